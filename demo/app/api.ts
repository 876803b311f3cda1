// Browser client of the demo integrator backend (/demo-api/): the page never holds the API key.

import * as v from 'valibot';
import { OPERATIONS, VerdictSummarySchema } from '../../protocol/index.ts';
import { SessionViewSchema as VerifierSessionViewSchema } from '../../protocol/responses.ts';

export type Operation = (typeof OPERATIONS)[number];

const DemoConfigSchema = v.object({ verifierUrl: v.string(), hostOrigin: v.nullable(v.string()), returnUrl: v.string() });
export type DemoConfig = v.InferOutput<typeof DemoConfigSchema>;

const StartedSessionSchema = v.object({
  sessionId: v.string(),
  /** session token for <liveness-capture> (kept in memory, never put in the page's URL) */
  token: v.string(),
  expiresAt: v.number(),
  verifier: v.string(),
});
export type StartedSession = v.InferOutput<typeof StartedSessionSchema>;

export type SessionSummary = v.InferOutput<typeof VerdictSummarySchema>;

/** The verifier's session view without its verdict JWT, with the demo backend's notes. */
const SessionViewSchema = v.looseObject({
  ...VerifierSessionViewSchema.entries,
  /** only on GET /sessions/{id}: the backend verified the verdict JWT against the JWKS */
  verdictVerified: v.optional(v.boolean()),
});
export type SessionView = v.InferOutput<typeof SessionViewSchema>;

const ReceivedWebhookSchema = v.object({
  id: v.string(),
  sessionId: v.string(),
  status: v.picklist([2, 3, 4, 5]),
  receivedAt: v.number(),
  verdictVerified: v.boolean(),
  claims: v.nullable(v.looseObject({ ...VerdictSummarySchema.entries, op: v.picklist(OPERATIONS), sub: v.string() })),
});
export type ReceivedWebhook = v.InferOutput<typeof ReceivedWebhookSchema>;

/** An error answered by the demo backend or the verifier behind it ({code, message}). */
export class DemoApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'DemoApiError';
  }
}

async function call<S extends v.GenericSchema>(path: string, schema: S, init?: { method?: string; json?: unknown }): Promise<v.InferOutput<S>> {
  let res: Response;
  try {
    res = await fetch(`/demo-api${path}`, {
      method: init?.method ?? 'GET',
      headers: init?.json === undefined ? {} : { 'content-type': 'application/json' },
      body: init?.json === undefined ? undefined : JSON.stringify(init.json),
    });
  } catch {
    throw new DemoApiError('NETWORK', 'demo server unreachable', 0);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = v.safeParse(v.object({ code: v.string(), message: v.string() }), body);
    throw new DemoApiError(e.success ? e.output.code : `HTTP_${res.status}`, e.success ? e.output.message : res.statusText, res.status);
  }
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) throw new DemoApiError('UNEXPECTED_ANSWER', `the demo server's answer to ${path} does not match its schema`, res.status);
  return parsed.output;
}

export const demoApi = {
  config: () => call('/config', DemoConfigSchema),
  startSession: (req: { operation: Operation; subject?: string; name?: string; card?: string; message?: string; redirect?: boolean }) =>
    call('/sessions', StartedSessionSchema, { method: 'POST', json: req }),
  sessions: () => call('/sessions', v.object({ sessions: v.array(SessionViewSchema) })),
  session: (id: string) => call(`/sessions/${encodeURIComponent(id)}`, SessionViewSchema),
  review: (id: string, decision: 'approve' | 'reject') =>
    call(`/sessions/${encodeURIComponent(id)}/review`, v.object({ sessionId: v.string(), status: v.number(), response: v.optional(v.number()) }), { method: 'POST', json: { decision } }),
  webhooks: () => call('/webhooks', v.looseObject({ events: v.array(ReceivedWebhookSchema) })),
  evidenceUrl: (id: string, n: number) => `/demo-api/sessions/${encodeURIComponent(id)}/evidence/${n}`,
};
