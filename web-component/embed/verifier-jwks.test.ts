import { describe, expect, it } from 'vitest';
import { fetchVerifierJwks } from './verifier-jwks.ts';

const KEY = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };

function fakeFetch(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  return { f, calls };
}

describe('fetchVerifierJwks', () => {
  it('fetches the pinned verifier\'s JWKS only, without credentials, refusing redirects', async () => {
    const { f, calls } = fakeFetch(() => Response.json({ keys: [KEY] }));
    expect(await fetchVerifierJwks('https://verifier.example', { fetch: f })).toEqual({ keys: [KEY] });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://verifier.example/.well-known/jwks.json');
    expect(calls[0].init).toMatchObject({ credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer' });
  });

  it.each<[string, () => Response | Promise<Response>]>([
    ['a network error', () => Promise.reject(new TypeError('failed'))],
    ['a 500', () => new Response('{}', { status: 500 })],
    ['not JSON', () => new Response('<html>')],
    ['no keys', () => Response.json({ keys: [] })],
    ['keys not objects', () => Response.json({ keys: ['k'] })],
    ['too many keys', () => Response.json({ keys: Array.from({ length: 17 }, () => KEY) })],
    ['an oversized body', () => new Response(JSON.stringify({ keys: [KEY], pad: 'x'.repeat(70_000) }))],
  ])('answers UPSTREAM_UNAVAILABLE on %s', async (_, answer) => {
    const { f } = fakeFetch(answer);
    await expect(fetchVerifierJwks('https://verifier.example', { fetch: f })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
