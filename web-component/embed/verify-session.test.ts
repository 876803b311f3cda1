import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { precheckSessionToken, verifySessionToken } from './verify-session.ts';

const VERIFIER = 'https://verifier.example';
const now = 1_800_000_000;
const claims = {
  iss: VERIFIER, aud: 'liveness-capture', sub: 'p1', iat: now, exp: now + 300, jti: 'j', sid: 's', nonce: 'abc_DEF-1',
  op: 'VERIFICATION', azp: 'demo', origins: ['https://shop.example'], return_url: 'https://shop.example/return',
  challenge: { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.25 } },
};

let key: CryptoKey;
let other: CryptoKey;
let jwks: JSONWebKeySet;

async function sign(payload: Record<string, unknown>, o: { key?: CryptoKey; kid?: string; typ?: string; alg?: string } = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: o.alg ?? 'ES256', typ: o.typ ?? 'liveness-session+jwt', kid: o.kid ?? 'k1' }).sign(o.key ?? key);
}
const verify = (t: string | null, nowS = now) => verifySessionToken(t, { verifier: VERIFIER, jwks, nowS });

beforeAll(async () => {
  const kp = await generateKeyPair('ES256');
  key = kp.privateKey;
  other = (await generateKeyPair('ES256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
});

describe('verifySessionToken', () => {
  it('returns the claims of a token the pinned verifier signed', async () => {
    const c = await verify(await sign(claims));
    expect(c.origins).toEqual(['https://shop.example']);
    expect(c.return_url).toBe('https://shop.example/return');
  });

  it('refuses alg none', async () => {
    const t = new UnsecuredJWT(claims).encode();
    await expect(verify(t)).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    expect(() => precheckSessionToken(t, VERIFIER)).toThrow(expect.objectContaining({ code: 'SESSION_TOKEN_INVALID' }));
  });

  it('refuses a foreign issuer before any key is needed, even when validly signed', async () => {
    const t = await sign({ ...claims, iss: 'https://evil.example' });
    expect(() => precheckSessionToken(t, VERIFIER)).toThrow(expect.objectContaining({ code: 'SESSION_TOKEN_INVALID' }));
    await expect(verify(t)).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
  });

  it('refuses a token signed by another key, under a known or unknown kid', async () => {
    await expect(verify(await sign(claims, { key: other }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign(claims, { key: other, kid: 'evil' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await sign(claims)).split('.');
    const p = Buffer.from(JSON.stringify({ ...claims, origins: ['https://evil.example'] })).toString('base64url');
    await expect(verify(`${h}.${p}.${s}`)).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
  });

  it('pins typ, audience, lifetime and schema', async () => {
    await expect(verify(await sign(claims, { typ: 'liveness-verdict+jwt' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign(claims, { typ: 'JWT' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign({ ...claims, aud: 'someone-else' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign({ ...claims, exp: now + 3600 }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign({ ...claims, nonce: 'not base64url!' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    await expect(verify(await sign({ ...claims, origins: 'https://shop.example' }))).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
  });

  it('answers SESSION_EXPIRED for an expired token', async () => {
    await expect(verify(await sign(claims), now + 301 + 5)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it.each([null, '', 'x.y', 'a.b.c'])('refuses %s', async (t) => {
    await expect(verify(t)).rejects.toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
  });
});
