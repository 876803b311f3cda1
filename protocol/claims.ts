import * as v from 'valibot';
import { OPERATIONS } from './operations.ts';

/** JOSE `typ` values; every verifier pins them. */
export const TYP = {
  SESSION: 'liveness-session+jwt',
  CAPTURE: 'liveness-capture+jwt',
  VERDICT: 'liveness-verdict+jwt',
  /** the single-image liveness answer (POST /v1/liveness/image), signed with the verdict keys */
  LIVENESS_IMAGE: 'liveness-image+jwt',
} as const;

/** Audience of session tokens and issuer of capture tokens: the capture component. */
export const CAPTURE_CLIENT_ID = 'liveness-capture';
/** Algorithm pinned everywhere. */
export const ALG = 'ES256' as const;
/** Upper bounds on token lifetimes (seconds). */
export const MAX_SESSION_TTL_S = 300;
export const MAX_CAPTURE_TTL_S = 120;
export const CLOCK_TOLERANCE_S = 5;
/** Evidence limits: frame count and bytes. */
export const MAX_EVIDENCE_FRAMES = 16;
export const MAX_FRAME_BYTES = 512 * 1024;
export const MAX_CAPTURE_BODY_BYTES = MAX_EVIDENCE_FRAMES * MAX_FRAME_BYTES + 64 * 1024;

const b64url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/));
const shortStr = v.pipe(v.string(), v.maxLength(256));
const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

/** Server-chosen challenge parameters carried by the session token. */
export const ChallengeSchema = v.strictObject({
  /** oval guide centre and size, as fractions of the preview (0–1) */
  oval: v.strictObject({ cx: unit, cy: unit, w: unit, h: unit }),
  /** active step: bring the face closer until its width grows by at least this factor */
  approach: v.strictObject({ minScaleGain: v.pipe(v.number(), v.minValue(1), v.maxValue(3)) }),
  /** optional small head turn asked by the server */
  turn: v.optional(v.picklist(['left', 'right'])),
});
export type Challenge = v.InferOutput<typeof ChallengeSchema>;

/** Claims of the session token, minted by the verifier (typ liveness-session+jwt, aud liveness-capture). */
export const SessionClaimsSchema = v.object({
  iss: shortStr,
  aud: v.literal(CAPTURE_CLIENT_ID),
  sub: shortStr,
  iat: v.number(),
  exp: v.number(),
  jti: shortStr,
  sid: shortStr,
  nonce: b64url,
  op: v.picklist(OPERATIONS),
  /** integrator id */
  azp: shortStr,
  origins: v.pipe(v.array(shortStr), v.maxLength(16)),
  return_url: v.optional(shortStr),
  challenge: ChallengeSchema,
});
export type SessionClaims = v.InferOutput<typeof SessionClaimsSchema>;

export const EVIDENCE_ROLES = ['far', 'near', 'best', 'seq', 'turn'] as const;
export type EvidenceRole = (typeof EVIDENCE_ROLES)[number];

/** One evidence frame as described in the capture token; `sha256` is base64url of the JPEG bytes' digest. */
export const EvidenceSchema = v.strictObject({
  role: v.picklist(EVIDENCE_ROLES),
  sha256: v.pipe(b64url, v.length(43)),
  w: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
  h: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
  /** milliseconds since capture start */
  t: v.pipe(v.number(), v.minValue(0)),
});
export type Evidence = v.InferOutput<typeof EvidenceSchema>;

export const CHECK_NAMES = ['face', 'eyes', 'phone', 'lighting', 'distance', 'liveness'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Result of one on-device check (a risk signal, never an authority). */
export const CheckResultSchema = v.strictObject({
  pass: v.boolean(),
  value: v.number(),
  code: v.optional(shortStr),
});
export type CheckResult = v.InferOutput<typeof CheckResultSchema>;

export const CameraSignalsSchema = v.strictObject({
  label: v.optional(shortStr),
  virtual: v.boolean(),
  nonCamera: v.boolean(),
  timingAnomaly: v.boolean(),
  width: v.optional(v.number()),
  height: v.optional(v.number()),
  fps: v.optional(v.number()),
});
export type CameraSignals = v.InferOutput<typeof CameraSignalsSchema>;

/** Claims of the capture token, signed in the browser with an ephemeral key (PoP; jwk in header). */
export const CaptureClaimsSchema = v.object({
  iss: v.literal(CAPTURE_CLIENT_ID),
  aud: shortStr,
  iat: v.number(),
  exp: v.number(),
  jti: shortStr,
  sid: shortStr,
  nonce: b64url,
  evidence: v.pipe(v.array(EvidenceSchema), v.minLength(1), v.maxLength(MAX_EVIDENCE_FRAMES)),
  checks: v.record(v.picklist(CHECK_NAMES), CheckResultSchema),
  camera: CameraSignalsSchema,
  /** face-width gain between far and near frames during the approach step */
  approach: v.optional(v.strictObject({ scaleGain: v.number(), ratioChange: v.number() })),
});
export type CaptureClaims = v.InferOutput<typeof CaptureClaimsSchema>;

export const CandidateSchema = v.strictObject({ id: shortStr, score: v.number() });

/** Claims of the verdict token minted by the verifier; relying parties trust only this. */
export const VerdictClaimsSchema = v.object({
  iss: shortStr,
  aud: shortStr,
  sub: shortStr,
  iat: v.number(),
  exp: v.number(),
  jti: shortStr,
  sid: shortStr,
  op: v.picklist(OPERATIONS),
  status: v.picklist([1, 2, 3, 4, 5]),
  liveness: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  match: v.optional(
    v.strictObject({
      score: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)),
      band: v.picklist(['APPROVE', 'REVIEW_POSITIVE', 'RECAPTURE', 'REVIEW_NEGATIVE', 'DENY']),
      identity: v.picklist(['YES', 'NO', 'INCONCLUSIVE']),
    }),
  ),
  response: v.optional(v.picklist([200, 201])),
  candidates: v.optional(v.array(CandidateSchema)),
  hasBiometry: v.boolean(),
  reasons: v.array(shortStr),
  /** IMAGE_UPDATE: the justification given when the session was created */
  message: v.optional(v.pipe(v.string(), v.maxLength(500))),
  /** YES when the face is enrolled under another identity of the integrator, else INCONCLUSIVE */
  behaviourAlert: v.optional(v.picklist(['YES', 'INCONCLUSIVE'])),
});
export type VerdictClaims = v.InferOutput<typeof VerdictClaimsSchema>;
