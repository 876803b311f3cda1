/**
 * The verifier's Prometheus metrics (Node entry, GET /metrics) with prom-client: default process
 * metrics, requests by route pattern, captures by status and reason code, verifications by band,
 * liveness pass/fail, webhook deliveries. Labels take only values the verifier chose (see
 * observer.ts); reason codes are further limited to code-shaped strings and a fixed number of
 * distinct values, so no input can grow the series without bound.
 */
import { boundedMethod, boundedStatus, dropMisnamedDefaults, LATENCY_BUCKETS } from '../../protocol/prometheus.ts';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CaptureOutcome, VerifierObserver, WebhookOutcome } from './observer.ts';

const CODE = /^[A-Z][A-Z0-9_]{1,47}$/;
/** distinct reason labels kept; any further one is counted as "other" */
export const MAX_REASON_LABELS = 200;

export class VerifierMetrics implements VerifierObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly captures: Counter<'operation' | 'status'>;
  private readonly reasons: Counter<'reason'>;
  private readonly bands: Counter<'band'>;
  private readonly liveness: Counter<'kind' | 'result'>;
  private readonly webhooks: Counter<'outcome'>;
  private readonly seenReasons = new Set<string>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'verifier_' });
    dropMisnamedDefaults(this.registry);
    this.requests = new Counter({ name: 'verifier_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({ name: 'verifier_http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.captures = new Counter({ name: 'verifier_captures_total', help: 'captures processed, by operation and the session status they led to (retry: another capture asked for)', labelNames: ['operation', 'status'], registers });
    this.reasons = new Counter({ name: 'verifier_capture_reasons_total', help: 'reason codes on processed captures (one capture may carry several)', labelNames: ['reason'], registers });
    this.bands = new Counter({ name: 'verifier_match_band_total', help: 'captures whose biometry gave a match score, by band', labelNames: ['band'], registers });
    this.liveness = new Counter({ name: 'verifier_liveness_total', help: 'server liveness decisions (kind capture|image, result live|not_live)', labelNames: ['kind', 'result'], registers });
    this.webhooks = new Counter({ name: 'verifier_webhook_deliveries_total', help: 'webhook delivery tries (delivered, retry scheduled, gave up)', labelNames: ['outcome'], registers });
  }

  request(route: string, method: string, status: number, seconds: number): void {
    const m = boundedMethod(method);
    this.requests.inc({ method: m, route, status: boundedStatus(status) });
    this.latency.observe({ method: m, route }, seconds);
  }

  capture(o: CaptureOutcome): void {
    this.captures.inc({ operation: o.op, status: String(o.status) });
    for (const r of new Set(o.reasons)) this.reasons.inc({ reason: this.reasonLabel(r) });
    if (o.band && CODE.test(o.band)) this.bands.inc({ band: o.band });
    if (o.live !== undefined) this.liveness.inc({ kind: 'capture', result: o.live ? 'live' : 'not_live' });
  }

  livenessImage(live: boolean | undefined): void {
    if (live !== undefined) this.liveness.inc({ kind: 'image', result: live ? 'live' : 'not_live' });
  }

  webhook(outcome: WebhookOutcome): void {
    this.webhooks.inc({ outcome });
  }

  private reasonLabel(r: string): string {
    if (!CODE.test(r)) return 'other';
    if (this.seenReasons.has(r)) return r;
    if (this.seenReasons.size >= MAX_REASON_LABELS) return 'other';
    this.seenReasons.add(r);
    return r;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
