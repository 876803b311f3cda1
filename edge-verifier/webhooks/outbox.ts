import { WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../protocol/index.ts';
import type { Integrator } from '../config.ts';
import type { DueEvent, VerifierStore } from '../store/types.ts';
import type { VerifierObserver } from '../metrics/observer.ts';
import { signWebhook } from './sign.ts';

export interface OutboxOptions {
  maxAttempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

export interface SenderDeps {
  store: Pick<VerifierStore, 'claimDueEvents' | 'eventAttempted' | 'pendingEvents'>;
  /** the integrator's current configuration (URL and secret are read at delivery time) */
  integrator(id: string): Promise<Integrator | undefined>;
  opts: OutboxOptions;
  fetch?: typeof fetch;
  /** unix seconds (signature timestamps, row times) */
  now: () => number;
  /** milliseconds (schedule) */
  nowMs?: () => number;
  /** counts each try's outcome */
  observer?: Pick<VerifierObserver, 'webhook'>;
}

/** Longest wait between two tries of one event. */
const MAX_DELAY_MS = 3_600_000;

/** Delay before try `attempt + 1` after `attempt` failed tries (exponential, capped). */
export function retryDelayMs(attempt: number, baseDelayMs: number): number {
  return Math.min(MAX_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * One pass of the outbox sender: leases the events that are due, POSTs each (signed with the
 * integrator's current secret and this try's timestamp, `X-Liveness-Event-Id` = the event id, so
 * a receiver dedupes a delivery repeated after a crash), and records the outcome: delivered, or
 * the next try with exponential backoff, or given up after `maxAttempts`. Answers the events tried.
 * Never throws for a receiver's failure; a store failure propagates (the next pass retries).
 */
export async function sendDue(d: SenderDeps, limit = 20): Promise<number> {
  const nowMs = d.nowMs ?? (() => Date.now());
  const due = await d.store.claimDueEvents(nowMs(), d.opts.timeoutMs + 5_000, limit);
  await Promise.all(due.map((e) => sendOne(d, e, nowMs)));
  return due.length;
}

async function sendOne(d: SenderDeps, e: DueEvent, nowMs: () => number): Promise<void> {
  const integrator = await d.integrator(e.integrator);
  const attempt = e.attempts + 1;
  const next = (error: string) => {
    const last = attempt >= d.opts.maxAttempts;
    d.observer?.webhook(last ? 'gave_up' : 'retry');
    return d.store.eventAttempted(e.id, false, last ? null : nowMs() + retryDelayMs(attempt, d.opts.baseDelayMs), error, d.now());
  };
  if (!integrator?.webhookUrl || !integrator.webhookSecret) {
    // the integrator removed its webhook after the event was written: nothing to deliver to
    await d.store.eventAttempted(e.id, false, null, 'NO_WEBHOOK_CONFIGURED', d.now());
    return;
  }
  const doFetch = d.fetch ?? ((u: RequestInfo | URL, i?: RequestInit) => fetch(u, i));
  try {
    const timestamp = d.now();
    const signature = await signWebhook(integrator.webhookSecret, timestamp, e.body);
    const res = await doFetch(integrator.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_SIGNATURE_HEADER]: signature,
        [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
        [WEBHOOK_EVENT_ID_HEADER]: e.id,
      },
      body: e.body,
      signal: AbortSignal.timeout(d.opts.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) {
      d.observer?.webhook('delivered');
      await d.store.eventAttempted(e.id, true, null, null, d.now());
    }
    else await next(`HTTP_${res.status}`);
  } catch (err) {
    await next(err instanceof Error && err.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK_ERROR');
  }
}

export interface OutboxLoop {
  /** a transition was just written: send now rather than at the next tick */
  kick(): void;
  /** resolves once no event is pending (delivered or given up), waiting through backoffs */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Node's sender: a loop over the outbox (a pass on every kick, and every `intervalMs` for retries
 * and for events another process wrote or a crash left behind). Several processes sharing one
 * SQLite file may each run one: leases keep them off each other's events.
 */
export function startOutboxLoop(d: SenderDeps, intervalMs = 500): OutboxLoop {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const pass = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          while (!stopped && (await sendDue(d)) > 0) again = false;
        } catch {
          /* the store is unavailable: the next tick retries */
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void pass(), intervalMs);
  timer.unref?.();
  void pass();
  return {
    kick: () => void pass(),
    async drain() {
      for (;;) {
        await pass();
        const p = await d.store.pendingEvents();
        if (!p.count || stopped) return;
        const wait = Math.max(10, Math.min(intervalMs, (p.nextAtMs ?? 0) - (d.nowMs ?? Date.now)()));
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
