import * as v from 'valibot';
import { ChallengeSchema } from './claims.ts';

/** Bodies of the matcher's ABIS-style API (CBOR on the wire; JSON accepted where easy). */

// person ids carry the integrator's namespace (`<integrator>:<subject>`, edge-verifier/flow/namespace.ts)
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.regex(/^[A-Za-z0-9._:@-]+$/));
const bytes = v.instance(Uint8Array);

/** A template always names the model that made it; templates of different models are never compared. */
export const TemplateSchema = v.strictObject({
  model: v.pipe(v.string(), v.maxLength(64)),
  version: v.pipe(v.string(), v.maxLength(32)),
  dims: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
  dtype: v.picklist(['f32', 'i8']),
  data: bytes,
});
export type Template = v.InferOutput<typeof TemplateSchema>;

export const PersonSchema = v.strictObject({
  images: v.optional(v.pipe(v.array(bytes), v.maxLength(8))),
  templates: v.optional(v.pipe(v.array(TemplateSchema), v.maxLength(8))),
  galleries: v.optional(v.pipe(v.array(id), v.maxLength(16))),
  metadata: v.optional(v.record(v.pipe(v.string(), v.maxLength(64)), v.union([v.string(), v.number(), v.boolean()]))),
});
export type Person = v.InferOutput<typeof PersonSchema>;

/** POST /persons/{id}/verify: the examined person (the same object PUT takes; galleries and metadata are ignored). */
export const VerifyRequestSchema = PersonSchema;
export const VerifyPairRequestSchema = v.strictObject({ a: bytes, b: bytes });

/** 1:1 result: the −100…+100 score, its band and identity (and, from POST /verify, the raw similarity). */
export const VerifyResultSchema = v.object({
  similarity: v.optional(v.number()),
  score: v.number(),
  band: v.string(),
  identity: v.string(),
});
export type VerifyResult = v.InferOutput<typeof VerifyResultSchema>;

/**
 * POST /identify: the probe (an examined person, like verify's body; or, as a shorthand, one
 * `image` or `template`), max results, threshold (score), minimum coverage, galleries.
 */
export const IdentifyRequestSchema = v.strictObject({
  probe: v.optional(PersonSchema),
  image: v.optional(bytes),
  template: v.optional(TemplateSchema),
  galleries: v.optional(v.pipe(v.array(id), v.minLength(1), v.maxLength(16))),
  maxResults: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
  threshold: v.optional(v.pipe(v.number(), v.minValue(-100), v.maxValue(100))),
  minCoverage: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  gallery: v.optional(id),
});
export type IdentifyRequest = v.InferOutput<typeof IdentifyRequestSchema>;

/** One element of POST /identify's answer (a CBOR list of these, best first). */
export const MatchObjectSchema = v.object({ id: v.string(), score: v.pipe(v.number(), v.minValue(-100), v.maxValue(100)), similarity: v.number() });
export type MatchObject = v.InferOutput<typeof MatchObjectSchema>;

/** The verifier's view of a 1:N answer: the list, and the coverage the matcher reported (header `coverage`). */
export interface IdentifyResult {
  candidates: MatchObject[];
  coverage: number;
}

/**
 * Server-side presentation-attack check on evidence frames (JPEG), with optional roles/timestamps
 * and the session's challenge (the server measures it from its own landmarks).
 */
export const LivenessRequestSchema = v.strictObject({
  frames: v.pipe(v.array(bytes), v.minLength(1), v.maxLength(16)),
  roles: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(8))), v.maxLength(16))),
  t: v.optional(v.pipe(v.array(v.number()), v.maxLength(16))),
  challenge: v.optional(ChallengeSchema),
});
export type LivenessRequest = v.InferOutput<typeof LivenessRequestSchema>;

export const LivenessResultSchema = v.object({
  /** 0–100 */
  liveness: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  live: v.boolean(),
  /** stable reason codes of the signals that fired */
  reasons: v.array(v.pipe(v.string(), v.maxLength(64))),
  signals: v.record(v.string(), v.number()),
  /**
   * the frame the server chose to match (index into `frames`), -1 when none has a face: liveness
   * is bound to it, every other face frame showed the same person
   */
  bestFrame: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(15)),
  /**
   * false when the face frames show more than one person (reason IDENTITY_MISMATCH), or when more
   * than half of them are turned past the pose limits, so the identity cannot be bound to the
   * liveness (reason FACE_NOT_FRONTAL)
   */
  sameSubject: v.boolean(),
  /** false when a challenge was sent and the frames do not meet it (CHALLENGE_* reasons say which part) */
  challengeMet: v.boolean(),
});
export type LivenessResult = v.InferOutput<typeof LivenessResultSchema>;
