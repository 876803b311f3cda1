import { describe, expect, it } from 'vitest';
import { DENIED_RETURN_SCHEMES, allowedReturnUrl, redirectUrl } from './return-url.ts';

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
  it('refuses input the parser would repair (tabs, newlines, spaces inside)', () => {
    expect(allowedReturnUrl('https://good.example/re\nturn', REG)).toBeNull();
    expect(allowedReturnUrl('https://good.example/re\tturn', REG)).toBeNull();
  });
  it('builds the redirect from the registered URL with the result parameters and no token', () => {
    const u = new URL(redirectUrl(new URL(REG), { date: '2026-01-01T00:00:00.000Z', response: 200, message: 'ok', card: '123', confidence: 91, code: 'otc' }));
    expect(u.origin + u.pathname).toBe(REG);
    expect(Object.fromEntries(u.searchParams)).toEqual({ date: '2026-01-01T00:00:00.000Z', response: '200', message: 'ok', card: '123', confidence: '91', code: 'otc' });
  });
});

describe('allowedReturnUrl: custom-scheme deep links (React Native / Expo)', () => {
  const APP = 'myapp://callback';

  it('accepts a registered deep link, exactly (the scheme is case-insensitive)', () => {
    expect(allowedReturnUrl(APP, APP)?.href).toBe(APP);
    expect(allowedReturnUrl('MyApp://callback', APP)?.href).toBe(APP);
    expect(allowedReturnUrl('myapp://callback/done?flow=kyc', 'myapp://callback/done?flow=kyc')?.href).toBe('myapp://callback/done?flow=kyc');
    expect(allowedReturnUrl('exp+my-app://expo-development-client/', 'exp+my-app://expo-development-client/')).not.toBeNull();
    expect(allowedReturnUrl('myapp:///callback', 'myapp:///callback')?.href).toBe('myapp:///callback');
  });
  it.each([
    'otherapp://callback',
    'myapp2://callback',
    'myapp://Callback',
    'myapp://callback/',
    'myapp://callback/x',
    'myapp://callbackx',
    'myapp://callback.evil',
    'myapp://callback?x=1',
    'myapp://callback#frag',
    'myapp://callback:1234',
    'myapp://user@callback',
    'myapp://callback@evil',
    'myapp:callback',
    'myapp:/callback',
    'myapp:///callback',
    'https://callback',
    ' myapp://callback',
    'myapp://call\nback',
  ])('refuses %s when myapp://callback is registered', (u) => {
    expect(allowedReturnUrl(u, APP)).toBeNull();
  });
  it('refuses an unregistered deep link', () => {
    expect(allowedReturnUrl(APP, REG)).toBeNull();
    expect(allowedReturnUrl(APP, undefined)).toBeNull();
    expect(allowedReturnUrl(REG, APP)).toBeNull();
  });
  it.each([
    'javascript://%0aalert(document.domain)',
    'JavaScript://callback/%0aalert(1)',
    'vbscript://callback',
    'data://text/html,<script>alert(1)</script>',
    'blob://callback/x',
    'filesystem://callback/x',
    'file://localhost/etc/passwd',
    'file:///etc/passwd',
    'content://com.android.contacts/contacts',
    'about://blank',
    'view-source://good.example/',
    'chrome://settings',
    'chrome-extension://abcdefghijklmnop/page.html',
    'chrome-untrusted://terminal/',
    'devtools://devtools/bundled/inspector.html',
    'moz-extension://abc/page.html',
    'resource://gre/modules',
    'ws://good.example/socket',
    'wss://good.example/socket',
    'ftp://good.example/file',
    'intent://callback#Intent;scheme=myapp;package=com.evil;end',
    'android-app://com.evil/https/good.example/',
  ])('refuses %s even when it is the registered value', (u) => {
    expect(allowedReturnUrl(u, u)).toBeNull();
  });
  it('refuses every denied scheme in the list, whatever follows it', () => {
    for (const s of DENIED_RETURN_SCHEMES) expect(allowedReturnUrl(`${s}://callback/x`, `${s}://callback/x`), s).toBeNull();
  });
  it('refuses javascript: and data: without an authority, registered or not', () => {
    expect(allowedReturnUrl('javascript:alert(1)', 'javascript:alert(1)')).toBeNull();
    expect(allowedReturnUrl('data:text/html,hi', 'data:text/html,hi')).toBeNull();
    expect(allowedReturnUrl('javascript:alert(1)', APP)).toBeNull();
  });
  it('refuses a scheme that names nothing to route on', () => {
    expect(allowedReturnUrl('myapp://', 'myapp://')).toBeNull();
    expect(allowedReturnUrl('myapp:///', 'myapp:///')).toBeNull();
  });
  it('builds the deep link with the result parameters, keeping its own path and query', () => {
    const href = redirectUrl(new URL('myapp://callback/done?flow=kyc'), { date: '2026-01-01T00:00:00.000Z', response: 201, message: 'Rosto cadastrado.', confidence: 90, code: 'otc' });
    expect(href.startsWith('myapp://callback/done?flow=kyc&date=')).toBe(true);
    const u = new URL(href);
    expect(Object.fromEntries(u.searchParams)).toEqual({ flow: 'kyc', date: '2026-01-01T00:00:00.000Z', response: '201', message: 'Rosto cadastrado.', confidence: '90', code: 'otc' });
  });
});
