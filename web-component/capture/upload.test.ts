import { describe, expect, it } from 'vitest';
import { decodeStrict, KitError } from '../../protocol/index.ts';
import { capturesUrl, uploadCapture } from './upload.ts';

const body = { token: 't', session: 's', frames: [new Uint8Array([1, 2])] };

function fakeFetch(status: number, json: unknown, seen: { url?: string; init?: RequestInit } = {}): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.url = url;
    seen.init = init;
    return new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
}

describe('uploadCapture', () => {
  it('posts strict CBOR to /v1/captures and returns the verdict', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const out = await uploadCapture('http://v.test/base', body, { fetch: fakeFetch(200, { sessionId: 'x', status: 3, verdict: 'a.b.c', response: 200 }, seen) });
    expect(seen.url).toBe('http://v.test/base/v1/captures');
    expect((seen.init!.headers as Record<string, string>)['content-type']).toBe('application/cbor');
    expect(decodeStrict(seen.init!.body as Uint8Array)).toEqual(body);
    expect(out).toEqual({ kind: 'verdict', response: { sessionId: 'x', status: 3, verdict: 'a.b.c', response: 200 } });
  });
  it('returns a retry with the fresh nonce', async () => {
    const out = await uploadCapture('http://v.test', body, { fetch: fakeFetch(200, { sessionId: 'x', status: 1, retry: { nonce: 'n2', attemptsLeft: 3, code: 'FACE_NOT_LIVE' } }) });
    expect(out).toMatchObject({ kind: 'retry', nonce: 'n2', attemptsLeft: 3, code: 'FACE_NOT_LIVE' });
  });
  it('maps error bodies to typed errors', async () => {
    const e = await uploadCapture('http://v.test', body, { fetch: fakeFetch(409, { code: 'NONCE_REUSED', message: 'used' }) }).catch((x) => x);
    expect(e).toBeInstanceOf(KitError);
    expect(e.code).toBe('NONCE_REUSED');
    const e2 = await uploadCapture('http://v.test', body, { fetch: fakeFetch(503, { code: 'what' }) }).catch((x) => x);
    expect(e2.code).toBe('UPSTREAM_UNAVAILABLE');
    const e3 = await uploadCapture('http://v.test', body, { fetch: (async () => { throw new TypeError('net'); }) as unknown as typeof fetch }).catch((x) => x);
    expect(e3.code).toBe('UPSTREAM_UNAVAILABLE');
  });
  it('refuses non-http verifier URLs and credentials', () => {
    expect(() => capturesUrl('javascript:alert(1)')).toThrow(KitError);
    expect(() => capturesUrl('http://u:p@v.test')).toThrow(KitError);
    expect(() => capturesUrl('/relative')).toThrow(KitError);
    expect(capturesUrl('https://v.test/')).toBe('https://v.test/v1/captures');
  });
});
