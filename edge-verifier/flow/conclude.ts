import type { Operation, WebhookEvent } from '../../protocol/index.ts';
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
    },
    { issuer: s.config.issuer, audience: args.integrator.id, now: s.now(), ttlS: s.config.verdictTtlS, jti: randomId() },
  );
}

/**
 * The webhook event of a transition, to be written to the outbox in the transition's own
 * transaction (none when the integrator has no webhook). The sender delivers it later, retried
 * across restarts; receivers dedupe on the event id.
 */
export function webhookEvent(integrator: Integrator, sid: string, status: 2 | 3 | 4 | 5, verdict: string): OutboxEvent | undefined {
  if (!integrator.webhookUrl || !integrator.webhookSecret) return undefined;
  const event: WebhookEvent = { id: 'evt_' + crypto.randomUUID(), type: 'session.status', sessionId: sid, status, verdict };
  return { id: event.id, body: JSON.stringify(event) };
}
