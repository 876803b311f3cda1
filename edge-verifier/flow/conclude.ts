import type { Operation } from '../../protocol/index.ts';
import type { Integrator } from '../config.ts';
import { randomId } from '../random.ts';
import type { Services } from '../services.ts';
import type { VerdictSummary } from '../store/types.ts';
import { signVerdict } from '../tokens/sign-verdict.ts';
import { fireWebhook } from '../webhooks/deliver.ts';

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
    },
    { issuer: s.config.issuer, audience: args.integrator.id, now: s.now(), ttlS: s.config.verdictTtlS, jti: randomId() },
  );
}

/** Starts the (idempotent, retried) webhook for a recorded transition in the background. */
export function notify(
  s: Services,
  integrator: Integrator,
  sid: string,
  status: 2 | 3 | 4 | 5,
  verdict: string,
  background: (p: Promise<unknown>) => void = s.background,
): void {
  if (!integrator.webhookUrl) return;
  const w = s.config.webhook;
  background(
    fireWebhook(s.store, integrator, { sessionId: sid, status, verdict }, {
      maxAttempts: w.maxAttempts,
      baseDelayMs: w.baseDelayMs,
      timeoutMs: w.timeoutMs,
      fetch: s.fetch,
      now: s.now,
    }),
  );
}
