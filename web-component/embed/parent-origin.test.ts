import { describe, expect, it } from 'vitest';
import { parentOrigin, targetOrigin } from './parent-origin.ts';

const allowed = ['http://127.0.0.1:5173', 'https://shop.example'];

describe('targetOrigin', () => {
  it('uses ancestorOrigins first, then the referrer', () => {
    expect(parentOrigin({ ancestorOrigins: ['https://shop.example'], referrer: '' })).toBe('https://shop.example');
    expect(parentOrigin({ referrer: 'https://shop.example/page?x=1' })).toBe('https://shop.example');
    expect(parentOrigin({})).toBeNull();
  });
  it('returns the exact allowed origin', () => {
    expect(targetOrigin({ ancestorOrigins: ['https://shop.example'], referrer: 'https://shop.example/checkout' }, allowed)).toBe('https://shop.example');
    expect(targetOrigin({ referrer: 'http://127.0.0.1:5173/host.html' }, allowed)).toBe('http://127.0.0.1:5173');
  });
  it.each([
    [{ ancestorOrigins: ['https://evil.example'] }],
    [{ ancestorOrigins: ['https://shop.example.evil'] }],
    [{ referrer: 'http://localhost:5173/host.html' }],
    [{ referrer: 'http://127.0.0.1:5174/' }],
    [{ ancestorOrigins: ['null'] }],
    [{ referrer: 'javascript:alert(1)' }],
    [{ ancestorOrigins: ['https://shop.example'], referrer: 'https://evil.example/' }],
    [{}],
  ])('refuses %j', (ctx) => {
    expect(targetOrigin(ctx, allowed)).toBeNull();
  });
  it('never matches a wildcard entry', () => {
    expect(targetOrigin({ referrer: 'https://a.example/' }, ['*'])).toBeNull();
  });
});
