/**
 * Fetches the pinned verifier's public keys (`/.well-known/jwks.json`). The URL comes only from
 * the page's configuration; redirects are refused so the keys cannot come from anywhere else.
 */
import type { JSONWebKeySet } from 'jose';
import { KitError } from '../../protocol/index.ts';
import { jwksUrl } from './pinned-verifier.ts';

export interface JwksFetchOptions {
  fetch?: typeof fetch;
  /** default 10 s */
  timeoutMs?: number;
}

const MAX_KEYS = 16;
const MAX_BYTES = 64 * 1024;

function isKeySet(x: unknown): x is JSONWebKeySet {
  if (!x || typeof x !== 'object') return false;
  const keys = (x as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.length >= 1 && keys.length <= MAX_KEYS && keys.every((k) => !!k && typeof k === 'object' && !Array.isArray(k));
}

/** The verifier's JWKS; throws KitError(UPSTREAM_UNAVAILABLE) when it cannot be fetched or is malformed. */
export async function fetchVerifierJwks(verifier: string, o: JwksFetchOptions = {}): Promise<JSONWebKeySet> {
  const f = o.fetch ?? fetch;
  let text: string;
  try {
    const res = await f(jwksUrl(verifier), {
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new Error(`status ${res.status}`);
    text = await res.text();
  } catch {
    throw new KitError('UPSTREAM_UNAVAILABLE', 'the verifier keys could not be fetched');
  }
  if (text.length > MAX_BYTES) throw new KitError('UPSTREAM_UNAVAILABLE', 'the verifier key set is too large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KitError('UPSTREAM_UNAVAILABLE', 'the verifier key set is not JSON');
  }
  if (!isKeySet(body)) throw new KitError('UPSTREAM_UNAVAILABLE', 'the verifier key set is malformed');
  return body;
}
