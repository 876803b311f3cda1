import { WEBHOOK_EVENT_ID_HEADER, WEBHOOK_TIMESTAMP_HEADER, WEBHOOK_SIGNATURE_HEADER, type WebhookEvent } from '../../protocol/index.ts';
import type { Integrator } from '../config.ts';
import type { VerifierStore } from '../store/types.ts';
import { signWebhook } from './sign.ts';

export interface WebhookOptions {
  maxAttempts: number;
  baseDelayMs: number;
  timeoutMs: number;
  fetch?: typeof fetch;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Fires the status webhook for one (session, status) transition. Idempotent: the event row is
 * inserted once (the store refuses a second one for the same transition), and every retry carries
 * the same event id and body, so receivers dedupe on X-Liveness-Event-Id. Retries use exponential
 * backoff and stop after `maxAttempts`. Resolves to whether it was delivered; never throws.
 */
export async function fireWebhook(
  store: VerifierStore,
  integrator: Integrator,
  event: Omit<WebhookEvent, 'id' | 'type'>,
  opts: WebhookOptions,
): Promise<boolean> {
  if (!integrator.webhookUrl || !integrator.webhookSecret) return false;
  const id = 'evt_' + crypto.randomUUID();
  const full: WebhookEvent = { id, type: 'session.status', ...event };
  const body = JSON.stringify(full);
  if (!(await store.recordEvent(event.sessionId, event.status, id, body, opts.now()))) return false;
  const doFetch = opts.fetch ?? ((u: RequestInfo | URL, i?: RequestInit) => fetch(u, i));
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 0; attempt < opts.maxAttempts; attempt++) {
    if (attempt > 0) await sleep(opts.baseDelayMs * 2 ** (attempt - 1));
    try {
      // each attempt is signed with its own time, so a retry after a long backoff is not stale
      const timestamp = opts.now();
      const signature = await signWebhook(integrator.webhookSecret, timestamp, body);
      const res = await doFetch(integrator.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_SIGNATURE_HEADER]: signature,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_EVENT_ID_HEADER]: id,
        },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        await store.markEventDelivered(id, true, opts.now());
        return true;
      }
    } catch {
      /* network error or timeout: retried below */
    }
  }
  await store.markEventDelivered(id, false, opts.now()).catch(() => undefined);
  return false;
}
