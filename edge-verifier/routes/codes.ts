import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CodeExchangeRequestSchema, KitError, type CodeExchangeResponse } from '../../protocol/index.ts';
import { codeHash, isCodeShape } from '../flow/one-time-code.ts';
import { apiKey, type ApiKeyEnv } from '../middleware/api-key.ts';
import type { Services } from '../services.ts';
import type { SessionRecord } from '../store/types.ts';
import { jsonBody } from './sessions.ts';

/** The exchange answer for a concluded session (no nonce, no evidence, no internal frame index). */
export function exchangeView(r: SessionRecord & { status: 2 | 3; verdict: string; summary: NonNullable<SessionRecord['summary']> }): CodeExchangeResponse {
  const { bestFrame: _internal, ...summary } = r.summary;
  return {
    sessionId: r.sid,
    operation: r.op,
    subject: r.sub,
    status: r.status,
    verdict: r.verdict,
    ...(summary.response ? { response: summary.response } : {}),
    summary,
  };
}

/**
 * `POST /v1/codes/exchange` (integrator backend, API key): `{code}` → the session's verdict JWT and
 * summary, once. Unknown, malformed, expired, already used and other integrators' codes all answer
 * the same 400 CODE_INVALID. The code is never logged nor echoed.
 */
export function codeRoutes(s: Services): Hono<ApiKeyEnv> {
  const app = new Hono<ApiKeyEnv>();
  app.use('/v1/codes/*', apiKey({ integrators: () => s.integrators.all(), limiter: s.limits.apiKey, failures: s.limits.authFailures }));
  app.post('/v1/codes/exchange', bodyLimit({ maxSize: 4 * 1024, onError: () => { throw new KitError('BODY_TOO_LARGE'); } }), async (c) => {
    const integrator = c.get('integrator');
    const { code } = await jsonBody(c.req, CodeExchangeRequestSchema);
    if (!isCodeShape(code)) throw new KitError('CODE_INVALID');
    const sid = await s.store.redeemCode(await codeHash(code), integrator.id, s.now());
    if (!sid) throw new KitError('CODE_INVALID');
    const r = await s.store.getSession(sid);
    if (!r || r.integrator !== integrator.id || (r.status !== 2 && r.status !== 3) || !r.verdict || !r.summary) throw new KitError('CODE_INVALID');
    return c.json(exchangeView({ ...r, status: r.status, verdict: r.verdict, summary: r.summary }), 200, { 'cache-control': 'no-store' });
  });
  return app;
}
