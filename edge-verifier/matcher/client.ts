import * as v from 'valibot';
import {
  CBOR_MEDIA_TYPE, KitError, decodeStrict, encodeCbor, isErrorCode, type ErrorCode, type IdentifyResult, type LivenessResult,
  type VerifyResult,
} from '../../protocol/index.ts';

/** A matcher 4xx answer the verdict logic can act on (e.g. NO_FACE → retry). 503/timeouts throw instead. */
export class MatcherRejection extends Error {
  constructor(readonly code: ErrorCode, readonly status: number) {
    super(code);
  }
}

const LivenessResultSchema = v.object({
  liveness: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  live: v.boolean(),
  reasons: v.array(v.pipe(v.string(), v.maxLength(64))),
  signals: v.record(v.string(), v.number()),
});
const VerifyResultSchema = v.object({
  similarity: v.number(),
  score: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)),
  band: v.string(),
  identity: v.string(),
});
const IdentifyResultSchema = v.object({
  candidates: v.array(v.object({ id: v.string(), similarity: v.number(), score: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)) })),
  coverage: v.number(),
});
const ErrorBodySchema = v.object({ code: v.string(), message: v.optional(v.string()) });

export interface MatcherClient {
  liveness(frames: Uint8Array[], roles: string[], t: number[]): Promise<LivenessResult>;
  verify(personId: string, image: Uint8Array): Promise<VerifyResult>;
  identify(image: Uint8Array, maxResults: number): Promise<IdentifyResult>;
  enrol(personId: string, image: Uint8Array): Promise<void>;
}

/**
 * HTTP client for the matcher's CBOR API. Network errors, timeouts and 5xx become
 * KitError('UPSTREAM_UNAVAILABLE') (temporary: the capture attempt is given back); 4xx with a
 * protocol code become MatcherRejection; answers are schema-checked, never cast.
 */
export function matcherClient(opts: { baseUrl: string; timeoutMs: number; fetch?: typeof fetch }): MatcherClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: string, path: string, body: unknown, schema: v.GenericSchema<unknown, T> | null): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: { 'content-type': CBOR_MEDIA_TYPE, accept: CBOR_MEDIA_TYPE },
        body: encodeCbor(body) as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch {
      throw new KitError('UPSTREAM_UNAVAILABLE', 'matcher unreachable or timed out');
    }
    const bytes = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (res.status >= 500 || res.status === 429) throw new KitError('UPSTREAM_UNAVAILABLE', `matcher answered ${res.status}`);
    if (res.status >= 400) {
      let code: ErrorCode = 'BAD_REQUEST';
      try {
        const e = v.parse(ErrorBodySchema, decodeStrict(bytes));
        if (isErrorCode(e.code)) code = e.code;
      } catch {
        /* keep BAD_REQUEST: the matcher's body was not a protocol error */
      }
      throw new MatcherRejection(code, res.status);
    }
    if (!schema) return undefined as T;
    const r = v.safeParse(schema, bytes.byteLength ? decodeStrict(bytes) : undefined);
    if (!r.success) throw new KitError('UPSTREAM_UNAVAILABLE', 'matcher answer violates the protocol');
    return r.output;
  }

  return {
    liveness: (frames, roles, t) => call('POST', '/liveness', { frames, roles, t }, LivenessResultSchema),
    verify: (id, image) => call('POST', `/persons/${encodeURIComponent(id)}/verify`, { image }, VerifyResultSchema),
    identify: (image, maxResults) => call('POST', '/identify', { image, maxResults }, IdentifyResultSchema),
    enrol: (id, image) => call('PUT', `/persons/${encodeURIComponent(id)}`, { images: [image] }, null),
  };
}
