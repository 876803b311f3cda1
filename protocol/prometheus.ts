/**
 * Rules both services' Prometheus expositions follow (GET /metrics on the verifier, GET /prometheus
 * on the matcher): bounded label values and names `promtool check metrics` accepts. Node only
 * (prom-client); not part of protocol/index.ts, which the browser bundle imports.
 */
import type { Registry } from 'prom-client';

/** Any other method is labelled "other": a client must not be able to mint label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export const boundedMethod = (m: string): string => (METHODS.has(m) ? m : 'other');
export const boundedStatus = (s: number): string => String(Number.isInteger(s) && s >= 100 && s <= 599 ? s : 0);

/** Latency buckets (seconds) of both services' request histograms. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * prom-client's default Node metrics include gauges named `…_total` (active handles, requests,
 * resources), which promtool refuses: only counters may end in `_total`. They are dropped; the
 * other defaults (CPU, memory, event-loop lag, GC, heap) stay.
 */
export function dropMisnamedDefaults(registry: Registry): void {
  for (const m of registry.getMetricsAsArray()) {
    const type = (m as unknown as { type?: string }).type;
    if (type !== 'counter' && m.name.endsWith('_total')) registry.removeSingleMetric(m.name);
  }
}
