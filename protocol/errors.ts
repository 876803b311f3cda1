import * as v from 'valibot';
/**
 * Stable error codes shared by the element, the edge verifier and the matcher.
 * `status` is the HTTP status a server answers with: 400 permanent, 503 temporary
 * (retry later), plus the few standard ones (401/403/404/409/415/429).
 */
export const ERRORS = {
  // generic request errors
  BAD_REQUEST: 400,
  MALFORMED_BODY: 400,
  SCHEMA_VIOLATION: 400,
  /** permanent: the body (or one field of it) is over the limit; 400 like every permanent error */
  BODY_TOO_LARGE: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  NOT_READY: 503,
  CLUSTER_NOT_READY: 503,
  STORE_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL: 503,
  // sessions and tokens (edge verifier)
  SESSION_TOKEN_INVALID: 400,
  SESSION_EXPIRED: 400,
  SESSION_NOT_FOUND: 404,
  SESSION_USED: 409,
  CAPTURE_TOKEN_INVALID: 400,
  CAPTURE_SIGNATURE_INVALID: 400,
  NONCE_MISMATCH: 400,
  NONCE_REUSED: 409,
  EVIDENCE_MISSING: 400,
  EVIDENCE_HASH_MISMATCH: 400,
  ATTEMPTS_EXCEEDED: 400,
  ORIGIN_NOT_ALLOWED: 403,
  /** an evidence frame was already accepted before (any session, any integrator) */
  EVIDENCE_REPLAYED: 400,
  /** a later upload of the session was signed by another capture key than the first one */
  CAPTURE_KEY_MISMATCH: 400,
  /** evidence frame dimensions over the limit or unlike those the capture token claims */
  EVIDENCE_DIMENSIONS: 400,
  /** API key failures from this source are over the limit: wait (Retry-After) */
  AUTH_RATE_LIMITED: 429,
  /** the evidence frames show more than one person: liveness and identity cannot be bound */
  IDENTITY_MISMATCH: 400,
  /** the session's challenge (approach, oval, turn) was not met, measured by the server */
  CHALLENGE_NOT_MET: 400,
  /** REGISTRATION of a subject that is already enrolled: use IMAGE_UPDATE to replace a reference */
  SUBJECT_EXISTS: 409,
  RETURN_URL_NOT_ALLOWED: 400,
  /** IMAGE_UPDATE needs a non-empty justification `message` */
  MESSAGE_REQUIRED: 400,
  /** the session was cancelled by the integrator or expired (status 4) */
  SESSION_CANCELLED: 400,
  /** the integrator has turned this liveness product (version) off in its configuration */
  LIVENESS_DISABLED: 400,
  /** admin API: the integrator changed between read and write; read it again */
  CONFIG_CHANGED: 409,
  /** admin API: no integrator with this id */
  INTEGRATOR_NOT_FOUND: 404,
  /** review approval of an enrolment whose evidence is gone (retention): nothing can be enrolled */
  REVIEW_EVIDENCE_GONE: 400,
  /** the hosted iframe page has no (valid) pinned verifier in its own configuration: it refuses to start */
  VERIFIER_NOT_CONFIGURED: 400,
  /** one-time result code unknown, expired, already exchanged or another integrator's */
  CODE_INVALID: 400,
  /** retryable capture outcomes: matcher score 0 (no usable evidence) / 1:N without a match */
  RECAPTURE_NEEDED: 400,
  NO_MATCH: 400,
  // matcher
  PERSON_NOT_FOUND: 404,
  GALLERY_NOT_FOUND: 404,
  WATCHLIST_NOT_FOUND: 404,
  IMAGE_UNDECODABLE: 400,
  FACE_RECORD_INVALID: 400,
  QUALITY_REJECTED: 400,
  /** image header declares more pixels than the matcher decodes (checked before decoding) */
  IMAGE_TOO_LARGE: 400,
  /** a new gallery name while the matcher already holds its maximum number of galleries */
  GALLERY_LIMIT: 400,
  NO_FACE: 400,
  MULTIPLE_FACES: 400,
  TEMPLATE_MODEL_MISMATCH: 400,
  STORED_DATA_CORRUPT: 400,
  COVERAGE_TOO_LOW: 503,
  // on-device checks and camera (guidance; never an authority)
  FACE_NOT_FOUND: 400,
  FACE_MULTIPLE: 400,
  FACE_OUTSIDE_GUIDE: 400,
  FACE_NOT_FRONTAL: 400,
  EYES_NOT_VISIBLE: 400,
  EYES_CLOSED: 400,
  NO_BLINK: 400,
  PHONE_IN_FRAME: 400,
  TOO_DARK: 400,
  TOO_BRIGHT: 400,
  BACKLIT: 400,
  TOO_FAR: 400,
  TOO_CLOSE: 400,
  HOLD_STILL: 400,
  MOVE_CLOSER_STEP: 400,
  FACE_NOT_LIVE: 400,
  CAMERA_VIRTUAL: 400,
  CAMERA_PERMISSION_DENIED: 400,
  CAMERA_NOT_FOUND: 400,
  CAMERA_CONSTRAINTS: 400,
  /** the element: a model or wasm file could not be loaded (network, wrong modelBase/wasmBase) */
  MODELS_UNAVAILABLE: 503,
  /** the element: a Web Worker script failed to load or crashed while loading */
  WORKER_FAILED: 503,
  CANCELLED: 400,
  /** guidance: the approach step was not completed in time; the flow explains it and starts that step again */
  APPROACH_RETRY: 400,
  /** the element: the approach step failed on every allowed try (`flowConfig.maxApproachAttempts`) */
  APPROACH_NOT_COMPLETED: 400,
  /** guidance: the session's challenge asks for a head turn to the person's own left / right */
  TURN_LEFT: 400,
  TURN_RIGHT: 400,
  /** the element: the asked head turn was not seen in time (`flowConfig.turnTimeoutMs`) */
  TURN_NOT_COMPLETED: 400,
  /** single-image API: the body has no `image` */
  IMAGE_MISSING: 400,
  /** single-image API: `image` is not valid base64 */
  IMAGE_BASE64_INVALID: 400,
  /** single-image API: the image is smaller than the minimum (each side) */
  IMAGE_TOO_SMALL: 400,
  /** the element: the checks never held within `flowConfig.passiveTimeoutMs` (the detail's `reason` says which one failed last) */
  CAPTURE_TIMEOUT: 400,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Machine-readable error body (CBOR or JSON) returned by every endpoint. */
export const ErrorBodySchema = v.object({
  code: v.custom<ErrorCode>((x) => isErrorCode(x), 'a protocol error code'),
  message: v.pipe(v.string(), v.maxLength(1024)),
});
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, x);
}

export function statusOf(code: ErrorCode): number {
  return ERRORS[code];
}

/** True for codes a client may retry later (HTTP 503/429). */
export function isTemporary(code: ErrorCode): boolean {
  const s = ERRORS[code];
  return s === 503 || s === 429;
}

/** One error type per runtime boundary: carries a stable code and never biometric data. */
export class KitError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string = code) {
    super(message);
    this.name = 'KitError';
    this.code = code;
    this.status = ERRORS[code];
  }
  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}
