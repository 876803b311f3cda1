import type { Integrator } from '../config.ts';
import type { Services } from '../services.ts';
import type { SessionRecord, VerdictSummary } from '../store/types.ts';
import { mintVerdict, webhookEvent } from './conclude.ts';

/**
 * Ends a pending session with status 4: `CANCELLED` (the integrator asked) or `SESSION_EXPIRED`
 * (its time ran out; only then, checked in the same statement). The verdict says which, and the
 * status-4 webhook is written to the outbox in the same transaction. false when it was no longer
 * pending (concluded, cancelled or expired meanwhile).
 */
export async function endPending(s: Services, integrator: Integrator, r: SessionRecord, why: 'CANCELLED' | 'SESSION_EXPIRED'): Promise<boolean> {
  const summary: VerdictSummary = {
    liveness: 0,
    hasBiometry: false,
    reasons: [why],
    ...(r.op === 'IMAGE_UPDATE' && r.meta.message ? { message: r.meta.message } : {}),
  };
  const verdict = await mintVerdict(s, { integrator, sid: r.sid, sub: r.sub, op: r.op, status: 4, summary });
  const event = webhookEvent(integrator, r.sid, 4, verdict);
  const done = await s.store.cancel(r.sid, { summary, verdict, ...(event ? { event } : {}) }, s.now(), why === 'SESSION_EXPIRED');
  if (done && event) s.kickOutbox();
  return done;
}

/** The expiry sweep (Node: every few seconds; Workers: the cron trigger and the store's alarm): answers sessions ended. */
export async function expireDue(s: Services, limit = 100): Promise<number> {
  let n = 0;
  for (const r of await s.store.expiredPending(s.now(), limit)) {
    const integrator = await s.integrators.get(r.integrator);
    if (integrator && (await endPending(s, integrator, r, 'SESSION_EXPIRED'))) n++;
  }
  return n;
}
