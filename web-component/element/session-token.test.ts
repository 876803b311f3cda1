import { UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { readSessionToken } from './session-token.ts';

const now = 1_800_000_000;
const claims = {
  iss: 'http://v.test', aud: 'liveness-capture', sub: 'p1', iat: now, exp: now + 300, jti: 'j', sid: 's', nonce: 'abc_DEF-1',
  op: 'VERIFICATION', azp: 'demo', origins: ['http://a.test'], challenge: { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.25 } },
};

describe('readSessionToken', () => {
  it('decodes the payload without verifying', () => {
    const t = new UnsecuredJWT(claims).encode();
    expect(readSessionToken(t, now).challenge.approach.minScaleGain).toBe(1.25);
  });
  it('rejects missing, malformed and expired tokens with typed codes', () => {
    expect(() => readSessionToken(null)).toThrow(expect.objectContaining({ code: 'SESSION_TOKEN_INVALID' }));
    expect(() => readSessionToken('x.y')).toThrow(expect.objectContaining({ code: 'SESSION_TOKEN_INVALID' }));
    expect(() => readSessionToken(new UnsecuredJWT({ ...claims, nonce: 'bad nonce' }).encode(), now)).toThrow(expect.objectContaining({ code: 'SESSION_TOKEN_INVALID' }));
    expect(() => readSessionToken(new UnsecuredJWT(claims).encode(), now + 301)).toThrow(expect.objectContaining({ code: 'SESSION_EXPIRED' }));
  });
});
