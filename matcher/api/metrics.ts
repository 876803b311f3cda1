/** Prometheus text exposition: request counts, a latency histogram, and series supplied at scrape time. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Any other method is labelled "other": a client must not be able to mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** One metric computed at scrape time; `type` defaults to gauge. */
export interface ScrapeMetric {
  help: string;
  type?: 'gauge' | 'counter';
  values: [labels: string, value: number][];
}

export class Metrics {
  private counts = new Map<string, number>();
  private hist = new Map<string, { buckets: number[]; sum: number; count: number }>();

  /** `route` must be a route pattern (bounded), never the raw request path. */
  observe(route: string, method: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : 'other';
    const s = Number.isInteger(status) && status >= 100 && status <= 599 ? status : 0;
    const k = `method="${m}",route="${route}",status="${s}"`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    const hk = `method="${m}",route="${route}"`;
    let h = this.hist.get(hk);
    if (!h) this.hist.set(hk, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => { if (seconds <= b) h!.buckets[i]++; });
    h.sum += seconds; h.count++;
  }

  render(scraped: Record<string, ScrapeMetric>): string {
    const out: string[] = [];
    out.push('# HELP matcher_requests_total HTTP requests by route and status', '# TYPE matcher_requests_total counter');
    for (const [k, n] of this.counts) out.push(`matcher_requests_total{${k}} ${n}`);
    out.push('# HELP matcher_request_duration_seconds request latency', '# TYPE matcher_request_duration_seconds histogram');
    for (const [k, h] of this.hist) {
      BUCKETS.forEach((b, i) => out.push(`matcher_request_duration_seconds_bucket{${k},le="${b}"} ${h.buckets[i]}`));
      out.push(`matcher_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      out.push(`matcher_request_duration_seconds_sum{${k}} ${h.sum}`, `matcher_request_duration_seconds_count{${k}} ${h.count}`);
    }
    for (const [name, g] of Object.entries(scraped)) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} ${g.type ?? 'gauge'}`);
      for (const [labels, val] of g.values) out.push(`${name}${labels ? `{${labels}}` : ''} ${val}`);
    }
    return out.join('\n') + '\n';
  }
}
