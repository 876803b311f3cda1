import type { Operation, PersonChange, PersonSuspiciousEvent, SessionStatusEvent, WatchlistAlert } from '../../protocol/index.ts';
import type { Integrator } from '../config.ts';
import { randomId } from '../random.ts';
import type { Services } from '../services.ts';
import type { OutboxEvent, VerdictSummary } from '../store/types.ts';
import { signVerdict } from '../tokens/sign-verdict.ts';

/** Mints the verdict JWT for a session transition. */
export function mintVerdict(
  s: Services,
  args: { integrator: Integrator; sid: string; sub: string; op: Operation; status: 1 | 2 | 3 | 4 | 5; summary: VerdictSummary },
): Promise<string> {
  const { summary } = args;
  return signVerdict(
    s.keys,
    {
      sub: args.sub,
      sid: args.sid,
      op: args.op,
      status: args.status,
      liveness: summary.liveness,
      ...(summary.match ? { match: summary.match } : {}),
      ...(summary.response ? { response: summary.response } : {}),
      ...(summary.candidates ? { candidates: summary.candidates } : {}),
      hasBiometry: summary.hasBiometry,
      reasons: summary.reasons.slice(0, 32),
      ...(summary.message ? { message: summary.message } : {}),
      ...(summary.behaviourAlert ? { behaviourAlert: summary.behaviourAlert } : {}),
    },
    { issuer: s.config.issuer, audience: args.integrator.id, now: s.now(), ttlS: s.config.verdictTtlS, jti: randomId() },
  );
}

/**
 * The webhook event of a transition, to be written to the outbox in the transition's own
 * transaction (none when the integrator has no webhook). The sender delivers it later, retried
 * across restarts; receivers dedupe on the event id.
 */
export function webhookEvent(integrator: Integrator, sid: string, status: 2 | 3 | 4 | 5, verdict: string, alerts?: WatchlistAlert[]): OutboxEvent | undefined {
  if (!integrator.webhookUrl || !integrator.webhookSecret) return undefined;
  const event: SessionStatusEvent = { id: 'evt_' + crypto.randomUUID(), type: 'session.status', sessionId: sid, status, verdict, ...(alerts?.length ? { alerts } : {}) };
  return { id: event.id, body: JSON.stringify(event) };
}

/** The suspicious-list event of a person (score band flip, erasure); none without a webhook. */
export function personEvent(integrator: Integrator, subject: string, change: PersonChange, nowS: number): OutboxEvent | undefined {
  if (!integrator.webhookUrl || !integrator.webhookSecret) return undefined;
  const event: PersonSuspiciousEvent = { id: 'evt_' + crypto.randomUUID(), type: 'person.suspicious', subject, change, at: nowS };
  return { id: event.id, body: JSON.stringify(event) };
}
