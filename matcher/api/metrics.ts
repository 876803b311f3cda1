/**
 * The matcher's Prometheus metrics (GET /prometheus), with prom-client: the default process
 * metrics, requests by route pattern, outcome counters, and gauges read at scrape time. No label
 * ever takes a client-chosen value (person id, gallery name, raw path, method): routes are the
 * app's own patterns, methods a fixed set, outcomes a fixed set.
 */
import { boundedMethod, boundedStatus, dropMisnamedDefaults, LATENCY_BUCKETS } from '../../protocol/prometheus.ts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';


/** What the gauges read at scrape time. */
export interface MatcherSnapshot {
  ready: boolean;
  cachedPersons: number;
  cachedTemplates: number;
  galleries: number;
  queue: { depth: number; active: number; concurrency: number; rejected: number };
  cluster: { capacity: number; coverage: number; members: number; liveMembers: number; replicationFactor: number };
}

export class MatcherMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly livenessTotal: Counter<'kind' | 'result'>;
  private readonly identifyTotal: Counter<'result'>;
  private readonly identifyCoverage: Histogram;

  constructor(snapshot: () => MatcherSnapshot) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'matcher_' });
    dropMisnamedDefaults(this.registry);
    this.requests = new Counter({ name: 'matcher_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({ name: 'matcher_http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.livenessTotal = new Counter({ name: 'matcher_liveness_total', help: 'server liveness decisions (kind video|image, result live|not_live)', labelNames: ['kind', 'result'], registers });
    this.identifyTotal = new Counter({ name: 'matcher_identify_total', help: '1:N searches answered (result match|no_match)', labelNames: ['result'], registers });
    this.identifyCoverage = new Histogram({ name: 'matcher_identify_coverage_ratio', help: 'coverage a 1:N search reached (1 = every shard searched)', buckets: [0.5, 0.75, 0.9, 0.95, 0.99, 1], registers });
    const gauge = (name: string, help: string, read: (s: MatcherSnapshot) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read(snapshot())); } });
    gauge('matcher_ready', '1 once the cache is loaded', (s) => (s.ready ? 1 : 0));
    gauge('matcher_cached_persons', 'persons in this node\'s RAM cache', (s) => s.cachedPersons);
    gauge('matcher_cached_templates', 'templates in this node\'s RAM cache, all galleries', (s) => s.cachedTemplates);
    gauge('matcher_galleries', 'galleries cached on this node', (s) => s.galleries);
    gauge('matcher_queue_depth', 'jobs waiting in the FIFO', (s) => s.queue.depth);
    gauge('matcher_queue_active', 'jobs running', (s) => s.queue.active);
    gauge('matcher_queue_concurrency', 'jobs that may run at once', (s) => s.queue.concurrency);
    gauge('matcher_cluster_capacity_ratio', 'weighted share of ready nodes (1 for a single node)', (s) => s.cluster.capacity);
    gauge('matcher_cluster_coverage_ratio', 'probability a person is cached by at least one ready node', (s) => s.cluster.coverage);
    gauge('matcher_cluster_members', 'cluster members known to this node', (s) => s.cluster.members);
    gauge('matcher_cluster_live_members', 'cluster members alive now', (s) => s.cluster.liveMembers);
    gauge('matcher_cluster_replication_factor', 'owners per person', (s) => s.cluster.replicationFactor);
    // the queue counts its own refusals; the counter follows it at scrape time
    let seenRejected = 0;
    new Counter({
      name: 'matcher_queue_rejected_total',
      help: 'requests refused with 503 because the queue was full or a job waited too long',
      registers,
      collect() {
        const r = snapshot().queue.rejected;
        if (r > seenRejected) this.inc(r - seenRejected);
        seenRejected = Math.max(seenRejected, r);
      },
    });
  }

  /** `route` must be a route pattern (bounded), never the raw request path. */
  observe(route: string, method: string, status: number, seconds: number): void {
    const m = boundedMethod(method);
    this.requests.inc({ method: m, route, status: boundedStatus(status) });
    this.latency.observe({ method: m, route }, seconds);
  }

  liveness(kind: 'video' | 'image', live: boolean): void {
    this.livenessTotal.inc({ kind, result: live ? 'live' : 'not_live' });
  }

  identify(matches: number, coverage: number): void {
    this.identifyTotal.inc({ result: matches > 0 ? 'match' : 'no_match' });
    this.identifyCoverage.observe(coverage);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
