import { describe, expect, it } from 'vitest';
import { popKeyOf } from './header-policy.ts';

const x = 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU';
const y = 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0';

describe('popKeyOf', () => {
  it('accepts a public P-256 JWK as browsers export it, and keeps only the public members', () => {
    expect(popKeyOf({ jwk: { kty: 'EC', crv: 'P-256', x, y, ext: true, key_ops: ['verify'] } }, 'CAPTURE_TOKEN_INVALID')).toEqual({ kty: 'EC', crv: 'P-256', x, y });
  });
  it.each([
    ['missing', undefined],
    ['private d', { kty: 'EC', crv: 'P-256', x, y, d: x }],
    ['P-384', { kty: 'EC', crv: 'P-384', x, y }],
    ['RSA', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }],
    ['short x', { kty: 'EC', crv: 'P-256', x: 'abc', y }],
    ['x5c inside', { kty: 'EC', crv: 'P-256', x, y, x5c: ['MII'] }],
    ['sign op', { kty: 'EC', crv: 'P-256', x, y, key_ops: ['sign'] }],
  ])('refuses %s', (_n, jwk) => {
    expect(() => popKeyOf({ jwk }, 'CAPTURE_TOKEN_INVALID')).toThrow(expect.objectContaining({ code: 'CAPTURE_TOKEN_INVALID' }));
  });
});
