import { describe, expect, it } from 'vitest';
import { allowedReturnUrl, redirectUrl } from './return-url.ts';

const REG = 'https://good.example/return';

describe('allowedReturnUrl', () => {
  it('accepts only the registered URL, exactly', () => {
    expect(allowedReturnUrl(REG, REG)?.href).toBe(REG);
    expect(allowedReturnUrl('HTTPS://GOOD.example/return', REG)?.href).toBe(REG);
  });
  it.each([
    '//evil',
    '//good.example/return',
    'https://good.example.evil',
    'https://good.example.evil/return',
    'javascript:alert(1)',
    'JavaScript:alert(document.domain)//https://good.example/return',
    'data:text/html,hi',
    'https://good.example/return/../x',
    'https://good.example/return?x=1',
    'https://good.example/return#frag',
    'https://good.example/returnx',
    'https://user@good.example/return',
    'https://good.example@evil.example/return',
    'http://good.example/return',
    'https://good.example:8443/return',
    '/return',
    ' https://good.example/return',
    '',
  ])('never redirects to %s', (u) => {
    expect(allowedReturnUrl(u, REG)).toBeNull();
  });
  it('never redirects when nothing is registered or the registered value is unusable', () => {
    expect(allowedReturnUrl(REG, undefined)).toBeNull();
    expect(allowedReturnUrl('javascript:x', 'javascript:x')).toBeNull();
  });
  it('builds the redirect from the registered URL with the result parameters and no token', () => {
    const u = new URL(redirectUrl(new URL(REG), { date: '2026-01-01T00:00:00.000Z', response: 200, message: 'ok', card: '123', confidence: 91, code: 'otc' }));
    expect(u.origin + u.pathname).toBe(REG);
    expect(Object.fromEntries(u.searchParams)).toEqual({ date: '2026-01-01T00:00:00.000Z', response: '200', message: 'ok', card: '123', confidence: '91', code: 'otc' });
  });
});
