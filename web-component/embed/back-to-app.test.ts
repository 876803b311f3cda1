import { describe, expect, it } from 'vitest';
import { backAction, rememberReturnUrl } from './back-to-app.ts';

function win(extra: Record<string, unknown> = {}): Window {
  const m = new Map<string, string>();
  return { sessionStorage: { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) }, ...extra } as unknown as Window;
}

describe('back to the app', () => {
  it('goes through the native bridge when there is one (a liveness-close message with the code)', () => {
    const posted: string[] = [];
    const a = backAction(win({ ReactNativeWebView: { postMessage: (s: string) => posted.push(s) } }), 'SESSION_TOKEN_INVALID');
    expect(a?.kind).toBe('bridge');
    (a as { post(): void }).post();
    expect(JSON.parse(posted[0])).toEqual({ source: 'liveness-capture', type: 'liveness-close', code: 'SESSION_TOKEN_INVALID' });
  });

  it('offers only a return URL a verified session of this tab remembered, and not long after it expired', () => {
    const w = win();
    expect(backAction(w, 'SESSION_TOKEN_INVALID')).toBeNull();
    rememberReturnUrl(w, new URL('myapp://callback'), 1000);
    expect(backAction(w, 'SESSION_USED', 1500)).toEqual({ kind: 'link', href: 'myapp://callback' });
    expect(backAction(w, 'SESSION_USED', 1000 + 16 * 60)).toBeNull();
  });

  it('storage that throws or holds garbage offers nothing', () => {
    const broken = { get sessionStorage(): Storage { throw new Error('denied'); } } as unknown as Window;
    expect(backAction(broken, 'X')).toBeNull();
    const w = win();
    w.sessionStorage.setItem('liveness-capture:return-url', '{not json');
    expect(backAction(w, 'X')).toBeNull();
  });
});
