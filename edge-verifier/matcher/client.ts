import * as v from 'valibot';
import {
  bandOf, CBOR_MEDIA_TYPE, identityOf, KitError, LivenessResultSchema, MatchObjectSchema, MatcherImageResultSchema, type Challenge, type ImageDevice, type MatcherImageResult, decodeStrict, encodeCbor, isErrorCode, type ErrorCode, type IdentifyResult, type LivenessResult,
  type VerifyResult,
} from '../../protocol/index.ts';

/** A matcher 4xx answer the verdict logic can act on (e.g. NO_FACE → retry). 503/timeouts throw instead. */
export class MatcherRejection extends Error {
  constructor(readonly code: ErrorCode, readonly status: number) {
    super(code);
  }
}

/** POST /persons/{id}/verify answers one float: the calibrated score (band and identity are derived here). */
const ScoreSchema = v.pipe(v.number(), v.minValue(-100), v.maxValue(100));
/** POST /identify answers a list of match objects (they may carry more keys); the coverage comes in a header. */
const MatchListSchema = v.array(MatchObjectSchema);
/** any error body: an unknown code is kept as BAD_REQUEST below rather than refused */
const ErrorBodySchema = v.object({ code: v.string(), message: v.optional(v.string()) });

export interface MatcherClient {
  /** server PAD over the evidence, the session's challenge measured, the frame to match chosen */
  liveness(frames: Uint8Array[], roles: string[], t: number[], challenge: Challenge): Promise<LivenessResult>;
  verify(personId: string, image: Uint8Array): Promise<VerifyResult>;
  /** 1:N inside one gallery; a gallery that does not exist yet has no candidates */
  identify(image: Uint8Array, maxResults: number, gallery: string): Promise<IdentifyResult>;
  /** PUT the person (the integrator's ICAO policy as the matcher's `quality-policy` header when given) */
  enrol(personId: string, image: Uint8Array, gallery: string, qualityPolicy?: 'warn' | 'reject' | 'off'): Promise<void>;
  /** DELETE the person (images, templates, history); no effect when absent */
  remove(personId: string): Promise<void>;
  /** whether the person is enrolled (GET /persons/{id}: 200 / 404) */
  exists(personId: string): Promise<boolean>;
  /** BioDoc Liveness 1.0: one still, with or without the pre-analysis steps */
  livenessImage(image: Uint8Array, preAnalysis: boolean, device?: ImageDevice): Promise<MatcherImageResult>;
}

/**
 * HTTP client for the matcher's CBOR API. Network errors, timeouts and 5xx become
 * KitError('UPSTREAM_UNAVAILABLE') (temporary: the capture attempt is given back); 4xx with a
 * protocol code become MatcherRejection; answers are schema-checked, never cast.
 */
export function matcherClient(opts: { baseUrl: string; timeoutMs: number; token?: string; fetch?: typeof fetch }): MatcherClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<T>(method: string, path: string, body: unknown, schema: v.GenericSchema<unknown, T> | null, onHeaders?: (h: Headers) => void, extra: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: { 'content-type': CBOR_MEDIA_TYPE, accept: CBOR_MEDIA_TYPE, ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...extra },
        body: body === undefined ? undefined : (encodeCbor(body) as Uint8Array<ArrayBuffer>),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch {
      throw new KitError('UPSTREAM_UNAVAILABLE', 'matcher unreachable or timed out');
    }
    const bytes = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (res.status >= 500 || res.status === 429) throw new KitError('UPSTREAM_UNAVAILABLE', `matcher answered ${res.status}`);
    // a refused credential is the operator's misconfiguration (MATCHER_TOKEN), not the capture's fault
    if (res.status === 401 || res.status === 403) throw new KitError('UPSTREAM_UNAVAILABLE', 'matcher refused the verifier\'s credential');
    // the contract's empty 404: the person does not exist
    if (res.status === 404 && !bytes.byteLength) throw new MatcherRejection('PERSON_NOT_FOUND', 404);
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
    onHeaders?.(res.headers);
    if (!schema) return undefined as T;
    const r = v.safeParse(schema, bytes.byteLength ? decodeStrict(bytes) : undefined);
    if (!r.success) throw new KitError('UPSTREAM_UNAVAILABLE', 'matcher answer violates the protocol');
    return r.output;
  }

  const person = (id: string) => `/persons/${encodeURIComponent(id)}`;
  return {
    liveness: (frames, roles, t, challenge) => call('POST', '/liveness', { frames, roles, t, challenge }, LivenessResultSchema),
    livenessImage: (image, preAnalysis, device) => call('POST', '/liveness/image', { image, preAnalysis, ...(device ? { device } : {}) }, MatcherImageResultSchema),
    verify: async (id, image) => {
      const score = await call('POST', `${person(id)}/verify`, { images: [image] }, ScoreSchema);
      const band = bandOf(score);
      return { score, band, identity: identityOf(band) };
    },
    identify: async (image, maxResults, gallery) => {
      let coverage = 1;
      try {
        const candidates = await call('POST', '/identify', { image, maxResults, galleries: [gallery] }, MatchListSchema, (h) => {
          const c = Number(h.get('coverage'));
          if (h.has('coverage') && Number.isFinite(c)) coverage = c;
        });
        return { candidates: candidates.map((m) => ({ id: m.id, score: m.score, similarity: m.similarity ?? Number.NaN })), coverage };
      } catch (e) {
        if (e instanceof MatcherRejection && e.code === 'GALLERY_NOT_FOUND') return { candidates: [], coverage: 1 };
        throw e;
      }
    },
    enrol: (id, image, gallery, qualityPolicy) =>
      call('PUT', person(id), { images: [image], galleries: [gallery] }, null, undefined, qualityPolicy ? { 'quality-policy': qualityPolicy } : {}),
    remove: (id) => call('DELETE', person(id), undefined, null),
    exists: async (id) => {
      try {
        await call('GET', person(id), undefined, null);
        return true;
      } catch (e) {
        if (e instanceof MatcherRejection && e.status === 404) return false;
        throw e;
      }
    },
  };
}
