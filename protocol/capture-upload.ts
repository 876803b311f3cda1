import * as v from 'valibot';
import { MAX_EVIDENCE_FRAMES, MAX_FRAME_BYTES, VerdictClaimsSchema } from './claims.ts';
import { OPERATIONS, type Operation } from './operations.ts';

/**
 * Body of `POST /v1/captures` (Content-Type: application/cbor): the capture JWT, the session token
 * it answers, and the evidence frames (JPEG bytes) in the same order as the token's `evidence`.
 */
export const CaptureUploadSchema = v.strictObject({
  token: v.pipe(v.string(), v.minLength(1), v.maxLength(16 * 1024)),
  session: v.pipe(v.string(), v.minLength(1), v.maxLength(8 * 1024)),
  frames: v.pipe(
    v.array(
      v.pipe(
        // custom rather than instance(): the inferred type stays Uint8Array<ArrayBufferLike>, what callers hold
        v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'frame must be bytes'),
        v.check((b) => b.byteLength <= MAX_FRAME_BYTES, 'frame too large'),
      ),
    ),
    v.minLength(1),
    v.maxLength(MAX_EVIDENCE_FRAMES),
  ),
});
export type CaptureUpload = v.InferOutput<typeof CaptureUploadSchema>;

/**
 * Answer of `POST /v1/captures` (CBOR or JSON, per Accept). A decisive or review result carries the
 * verdict JWT; a retryable failure (status 1) carries `retry` with the fresh nonce the next capture
 * must sign, and the reason code.
 */
export const CaptureResponseSchema = v.object({
  sessionId: v.string(),
  status: v.picklist([1, 2, 3, 4, 5]),
  verdict: v.optional(v.string()),
  response: v.optional(v.picklist([200, 201])),
  retry: v.optional(v.object({ nonce: v.string(), attemptsLeft: v.number(), code: v.string() })),
  /**
   * One-time result code (status 2 or 3 only): ≥ 128 random bits, base64url, single use, valid
   * ≤ 5 minutes, bound to the session and its integrator. The iframe page passes it to the return
   * URL as `code`; the integrator's backend exchanges it at `POST /v1/codes/exchange`.
   */
  code: v.optional(v.string()),
});
export type CaptureResponse = v.InferOutput<typeof CaptureResponseSchema>;

/** Body of `POST /v1/codes/exchange` (integrator backend, JSON, API key). */
export const CodeExchangeRequestSchema = v.strictObject({
  code: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
});
export type CodeExchangeRequest = v.InferOutput<typeof CodeExchangeRequestSchema>;

/**
 * Answer of `POST /v1/codes/exchange`: the session's current verdict JWT (a status-2 session that
 * was reviewed before the exchange answers its status-3 verdict) and its summary.
 */
export const CodeExchangeResponseSchema = v.object({
  sessionId: v.string(),
  operation: v.picklist(OPERATIONS),
  subject: v.string(),
  status: v.picklist([2, 3]),
  verdict: v.string(),
  response: v.optional(v.picklist([200, 201])),
  get summary() {
    return VerdictSummarySchema;
  },
});
export type CodeExchangeResponse = v.InferOutput<typeof CodeExchangeResponseSchema>;

/** What the verifier records and reports about a session's outcome (no images, templates or tokens). */
export const VerdictSummarySchema = v.object({
  liveness: v.number(),
  match: VerdictClaimsSchema.entries.match,
  candidates: VerdictClaimsSchema.entries.candidates,
  response: v.optional(v.picklist([200, 201])),
  hasBiometry: v.boolean(),
  reasons: v.array(v.string()),
  /** IMAGE_UPDATE: the justification the session was created with */
  message: v.optional(v.string()),
  /** is this face enrolled under another identity of the integrator (issue 17's behaviour alert) */
  behaviourAlert: v.optional(v.picklist(['YES', 'INCONCLUSIVE'])),
});
export type VerdictSummary = v.InferOutput<typeof VerdictSummarySchema>;

export type BehaviourAlert = 'YES' | 'INCONCLUSIVE';

/** A watch-list hit, reported to the integrator's backend only (webhook), never to the browser. */
export interface WatchlistAlert {
  type: 'WATCHLIST_HIT';
  /** the watch-list's name and the entry's id in it */
  list: string;
  entry: string;
  score: number;
}

/** Longest IMAGE_UPDATE justification (characters). */
export const MAX_MESSAGE_CHARS = 500;
/** Largest `details` object, serialised as JSON (bytes). */
export const MAX_DETAILS_BYTES = 4096;

/** Body of `POST /v1/sessions` (integrator backend, JSON, API key). */
export const CreateSessionRequestSchema = v.strictObject({
  operation: v.picklist(OPERATIONS),
  /** person id / card number; required except for IDENTIFICATION */
  subject: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[A-Za-z0-9._:@-]+$/))),
  /** must be one of the integrator's registered return URLs */
  returnUrl: v.optional(v.pipe(v.string(), v.maxLength(256))),
  /** narrow the integrator's allowed origins for this session (each must be registered) */
  origins: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(256))), v.maxLength(16))),
  /** justification of an IMAGE_UPDATE (required and non-empty there); kept with the session and put in its verdict */
  message: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_MESSAGE_CHARS))),
  /** the integrator's own context for the session (a JSON object, at most MAX_DETAILS_BYTES as JSON); returned, never interpreted */
  details: v.optional(
    v.pipe(
      v.custom<Record<string, unknown>>((d) => typeof d === 'object' && d !== null && !Array.isArray(d), 'details must be a JSON object'),
      v.check((d) => new TextEncoder().encode(JSON.stringify(d)).length <= MAX_DETAILS_BYTES, `details over ${MAX_DETAILS_BYTES} bytes as JSON`),
    ),
  ),
  /** document / card number shown back on the redirect (display only) */
  card: v.optional(v.pipe(v.string(), v.maxLength(64), v.regex(/^[A-Za-z0-9._\/ -]*$/))),
  /** the person's name (display only) */
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(128))),
});
export type CreateSessionRequest = v.InferOutput<typeof CreateSessionRequestSchema>;

export const CreateSessionResponseSchema = v.object({
  sessionId: v.string(),
  sessionToken: v.string(),
  /** unix seconds */
  expiresAt: v.number(),
});
export type CreateSessionResponse = v.InferOutput<typeof CreateSessionResponseSchema>;

/** Webhook event POSTed (JSON) to the integrator on session status 2–5; signed with HMAC-SHA256. */
export interface SessionStatusEvent {
  id: string;
  type: 'session.status';
  sessionId: string;
  status: 2 | 3 | 4 | 5;
  /** verdict JWT of this transition */
  verdict: string;
  /** watch-list hits of this capture (a status-2 transition) */
  alerts?: WatchlistAlert[];
}

/** What happened to a person: the identity score's band changed sign, or the face was erased on the holder's request. */
export type PersonChange = 'SCORE_POSITIVE_TO_NEGATIVE' | 'SCORE_NEGATIVE_TO_POSITIVE' | 'ERASED';

/** The suspicious-list webhook: a person's standing changed (same URL and signature as session events). */
export interface PersonSuspiciousEvent {
  id: string;
  type: 'person.suspicious';
  /** the integrator's person code (subject) */
  subject: string;
  change: PersonChange;
  /** unix seconds */
  at: number;
}

export type WebhookEvent = SessionStatusEvent | PersonSuspiciousEvent;
export const WEBHOOK_SIGNATURE_HEADER = 'X-Liveness-Signature';
export const WEBHOOK_EVENT_ID_HEADER = 'X-Liveness-Event-Id';
/** unix seconds of the delivery attempt; the signature covers `<timestamp>.<body>` */
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Liveness-Timestamp';
/** receivers refuse a delivery whose timestamp is further than this from their clock (replay window) */
export const WEBHOOK_TOLERANCE_S = 300;
