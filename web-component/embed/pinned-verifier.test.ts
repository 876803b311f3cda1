import { describe, expect, it } from 'vitest';
import { jwksUrl, pinnedVerifier } from './pinned-verifier.ts';

describe('pinnedVerifier', () => {
  it.each([
    ['https://verifier.example', 'https://verifier.example'],
    ['https://verifier.example/', 'https://verifier.example'],
    ['  https://VERIFIER.example/base/ ', 'https://verifier.example/base'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:8787/', 'http://localhost:8787'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
  ])('pins %s as %s', (configured, pinned) => {
    expect(pinnedVerifier(configured)).toBe(pinned);
  });

  it.each([
    undefined,
    null,
    '',
    '   ',
    42,
    '/relative',
    '//verifier.example',
    'verifier.example',
    'http://verifier.example',
    'ftp://verifier.example',
    'javascript:alert(1)',
    'data:text/plain,x',
    'https://user:pw@verifier.example',
    'https://verifier.example/?iss=evil',
    'https://verifier.example/#x',
  ])('refuses %s with VERIFIER_NOT_CONFIGURED', (configured) => {
    expect(() => pinnedVerifier(configured)).toThrow(expect.objectContaining({ code: 'VERIFIER_NOT_CONFIGURED' }));
  });
});

describe('jwksUrl', () => {
  it('is the well-known path under the pinned verifier', () => {
    expect(jwksUrl('https://verifier.example')).toBe('https://verifier.example/.well-known/jwks.json');
    expect(jwksUrl('https://verifier.example/base')).toBe('https://verifier.example/base/.well-known/jwks.json');
  });
});
