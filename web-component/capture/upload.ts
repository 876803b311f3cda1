/**
 * Posts the capture (CBOR `{token, session, frames}`) to the verifier and classifies the answer:
 * a verdict, a retry with a fresh nonce, or a typed error. No token or frame is ever logged.
 */
import * as v from 'valibot';
import {
  CBOR_MEDIA_TYPE, CaptureResponseSchema, KitError, encodeCbor, isErrorCode, type CaptureResponse, type CaptureUpload,
} from '../../protocol/index.ts';

export type UploadOutcome =
  | { kind: 'verdict'; response: CaptureResponse & { verdict: string } }
  | { kind: 'retry'; response: CaptureResponse; nonce: string; code: string; attemptsLeft: number };

export interface UploadOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** `<verifier>/v1/captures`, refusing anything but an absolute http(s) verifier URL. */
export function capturesUrl(verifier: string): string {
  let u: URL;
  try {
    u = new URL(verifier);
  } catch {
    throw new KitError('BAD_REQUEST', 'verifier must be an absolute URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new KitError('BAD_REQUEST', 'verifier must be http(s)');
  if (u.username || u.password) throw new KitError('BAD_REQUEST', 'verifier URL must not carry credentials');
  const base = u.href.endsWith('/') ? u.href : `${u.href}/`;
  return new URL('v1/captures', base).href;
}

function asResponse(x: unknown): CaptureResponse | null {
  const r = v.safeParse(CaptureResponseSchema, x);
  return r.success ? r.output : null;
}

export async function uploadCapture(verifier: string, body: CaptureUpload, o: UploadOptions = {}): Promise<UploadOutcome> {
  const f = o.fetch ?? fetch;
  let res: Response;
  try {
    res = await f(capturesUrl(verifier), {
      method: 'POST',
      headers: { 'content-type': CBOR_MEDIA_TYPE, accept: 'application/json' },
      body: encodeCbor(body) as Uint8Array<ArrayBuffer>,
      signal: o.signal,
      credentials: 'omit',
      mode: 'cors',
    });
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw new KitError('UPSTREAM_UNAVAILABLE', 'verifier unreachable');
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new KitError(res.ok ? 'MALFORMED_BODY' : res.status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'BAD_REQUEST', 'verifier answer is not JSON');
  }
  if (!res.ok) {
    const b = (json ?? {}) as { code?: unknown; message?: unknown };
    const code = isErrorCode(b.code) ? b.code : res.status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'BAD_REQUEST';
    throw new KitError(code, typeof b.message === 'string' ? b.message.slice(0, 200) : code);
  }
  const r = asResponse(json);
  if (!r) throw new KitError('MALFORMED_BODY', 'verifier answer has no status');
  if (r.verdict) return { kind: 'verdict', response: r as CaptureResponse & { verdict: string } };
  if (r.retry) {
    return { kind: 'retry', response: r, nonce: r.retry.nonce, code: r.retry.code, attemptsLeft: r.retry.attemptsLeft };
  }
  throw new KitError('MALFORMED_BODY', 'verifier answer has neither a verdict nor a retry');
}
