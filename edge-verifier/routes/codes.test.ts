import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import { newCode } from '../flow/one-time-code.ts';
import { generateSigningKey } from '../keys/demo-key.ts';
import { KeyRing } from '../keys/key-ring.ts';
import type { MatcherClient } from '../matcher/client.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { testConfig } from '../testing/test-config.ts';

const summary = { liveness: 90, hasBiometry: true, response: 200 as const, reasons: [], bestFrame: 1, match: { score: 80, band: 'APPROVE' as const, identity: 'YES' as const } };

async function setup() {
  let t = 1_000;
  const key = await generateSigningKey();
  const config = parseConfig(testConfig({ issuer: 'https://verifier.unit.test', signingKeys: [key], matcherUrl: 'http://127.0.0.1:1' }));
  const store = openSqliteStore(':memory:');
  const app = createApp({ config, store, keys: new KeyRing(config.signingKeys), matcher: {} as MatcherClient, now: () => t });
  /** a concluded session of `integrator` holding a fresh code */
  const concluded = async (sid: string, integrator = 'acme', status: 2 | 3 = 3) => {
    await store.createSession({ sid, integrator, op: 'VERIFICATION', sub: 'p1', nonce: sid, maxAttempts: 3, createdAt: t, expiresAt: t + 300 });
    await store.claimAttempt(sid, sid, t, { frames: [`${sid}-f`], keyThumb: 'k' });
    const c = await newCode(t, config.codeTtlS);
    await store.finalize(sid, sid, { status, summary, verdict: `verdict-${sid}`, code: c.stored }, t);
    return c.code;
  };
  const exchange = (code: unknown, apiKey = 'acme-test-key-0001') =>
    app.request('/v1/codes/exchange', { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  return { app, store, concluded, exchange, advance: (s: number) => { t += s; } };
}

async function codeOf(r: Response) {
  return { status: r.status, code: ((await r.clone().json()) as { code?: string }).code };
}

describe('POST /v1/codes/exchange', () => {
  it('answers the verdict and summary once; the second use is CODE_INVALID', async () => {
    const { concluded, exchange } = await setup();
    const code = await concluded('s1');
    const r = await exchange(code);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = await r.json();
    expect(body).toEqual({ sessionId: 's1', operation: 'VERIFICATION', subject: 'p1', status: 3, verdict: 'verdict-s1', response: 200, summary: { liveness: 90, hasBiometry: true, response: 200, reasons: [], match: summary.match } });
    expect(await codeOf(await exchange(code))).toEqual({ status: 400, code: 'CODE_INVALID' });
  });

  it('another integrator, unknown, malformed and expired codes are CODE_INVALID; the owner can still use a code another integrator tried', async () => {
    const { concluded, exchange, advance } = await setup();
    const code = await concluded('s2');
    expect(await codeOf(await exchange(code, 'strict-test-key-0001'))).toEqual({ status: 400, code: 'CODE_INVALID' });
    expect(await codeOf(await exchange('A'.repeat(43)))).toEqual({ status: 400, code: 'CODE_INVALID' });
    expect(await codeOf(await exchange('not a code!'))).toEqual({ status: 400, code: 'CODE_INVALID' });
    expect((await exchange(code)).status).toBe(200);

    // lifetime codeTtlS (60 s): usable while now < issued + 60
    const a = await concluded('s3', 'acme', 2);
    const b = await concluded('s4');
    advance(59);
    expect((await exchange(a)).status).toBe(200);
    advance(1);
    expect(await codeOf(await exchange(b))).toEqual({ status: 400, code: 'CODE_INVALID' });
  });

  it('needs an API key and a {code} body', async () => {
    const { app, exchange } = await setup();
    expect((await app.request('/v1/codes/exchange', { method: 'POST', body: '{}' })).status).toBe(401);
    expect(await codeOf(await exchange(42))).toEqual({ status: 400, code: 'SCHEMA_VIOLATION' });
    const r = await app.request('/v1/codes/exchange', { method: 'POST', headers: { 'x-api-key': 'acme-test-key-0001' }, body: 'nope' });
    expect(await codeOf(r)).toEqual({ status: 400, code: 'MALFORMED_BODY' });
  });
});
