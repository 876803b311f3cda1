import type { Handler } from 'hono';
import { KitError } from '../../protocol/index.ts';
import { matchKey, presentedKey } from '../middleware/api-key.ts';
import type { VerifierMetrics } from './prometheus.ts';

/** GET /metrics (Node entry): Prometheus text; with a configured token, only for its bearer. */
export function metricsRoute(metrics: VerifierMetrics, token: string | undefined): Handler {
  return async (c) => {
    if (token !== undefined) {
      const key = presentedKey(c);
      if (!key || !matchKey([{ key: token }], key)) throw new KitError('UNAUTHORIZED', 'metrics token required');
    }
    return c.text(await metrics.render(), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  };
}
