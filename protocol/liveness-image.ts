/**
 * BioDoc Liveness 1.0, the single-image API: the integrator's request to the verifier
 * (`POST /v1/liveness/image`, JSON or CBOR), the verifier's request to the matcher
 * (`POST /liveness/image`, CBOR) and both answers. The pre-analysis steps run in this order and
 * stop at the first failure.
 */
import * as v from 'valibot';

export const IMAGE_STEPS = ['faces', 'eyes', 'photo_of_photo', 'lighting', 'distance', 'liveness'] as const;
export type ImageStepName = (typeof IMAGE_STEPS)[number];

export const IMAGE_DEVICES = ['mobile', 'desktop', 'tablet'] as const;
export type ImageDevice = (typeof IMAGE_DEVICES)[number];

/** Limits checked before any decoding: base64 text, decoded bytes, each side in pixels. */
export const IMAGE_LIMITS = { maxBase64Chars: 11_200_000, maxBytes: 8 * 1024 * 1024, minWidth: 320, minHeight: 240 } as const;

export const ImageStepSchema = v.object({
  step: v.picklist(IMAGE_STEPS),
  pass: v.boolean(),
  /** the failure's code (a protocol error code) */
  code: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** the step's measurement: faces found, eye openness, screen score, mean luma, distance cm, liveness */
  value: v.optional(v.number()),
  detail: v.optional(v.pipe(v.string(), v.maxLength(200))),
});
export type ImageStep = v.InferOutput<typeof ImageStepSchema>;

const bytes = v.instance(Uint8Array<ArrayBufferLike>);
const BoxSchema = v.object({ x: v.number(), y: v.number(), w: v.number(), h: v.number() });

/** verifier → matcher */
export const MatcherImageRequestSchema = v.strictObject({
  image: v.pipe(bytes, v.check((b) => b.byteLength <= IMAGE_LIMITS.maxBytes, 'image too large')),
  preAnalysis: v.boolean(),
  device: v.optional(v.picklist(IMAGE_DEVICES)),
});
export type MatcherImageRequest = v.InferOutput<typeof MatcherImageRequestSchema>;

/** matcher → verifier */
export const MatcherImageResultSchema = v.object({
  steps: v.array(ImageStepSchema),
  /** the first failing pre-analysis step, when one failed (liveness is then not run) */
  failed: v.optional(v.picklist(IMAGE_STEPS)),
  /** 0–100 when the liveness step ran */
  liveness: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  live: v.optional(v.boolean()),
  reasons: v.array(v.pipe(v.string(), v.maxLength(64))),
  faces: v.array(BoxSchema),
  /** with pre-analysis: the person cut out (PNG with alpha) and the input with numbered face boxes (JPEG) */
  images: v.optional(v.object({ backgroundRemoved: bytes, faces: bytes })),
});
export type MatcherImageResult = v.InferOutput<typeof MatcherImageResultSchema>;

/** What the integrator receives (JSON; images as base64). */
export const LivenessImageResponseSchema = v.object({
  /** real: live; not_live: the liveness step scored under the threshold; rejected: a pre-analysis step failed */
  result: v.picklist(['real', 'not_live', 'rejected']),
  /** 0–100, when the liveness step ran */
  confidence: v.optional(v.number()),
  /** the failing step's code, or FACE_NOT_LIVE */
  code: v.optional(v.string()),
  /** the message for `code` in the integrator's language */
  message: v.optional(v.string()),
  steps: v.array(ImageStepSchema),
  /** the faces detected (image pixels), numbered 1… in this order on the faces image */
  faces: v.array(BoxSchema),
  /** what one still can show: see docs/single-image.md */
  evidence: v.literal('single-image'),
  /** base64 PNG (alpha) and JPEG */
  images: v.optional(v.object({ backgroundRemoved: v.string(), faces: v.string() })),
  /** the answer signed (typ liveness-image+jwt, the verifier's JWKS) */
  token: v.string(),
});
export type LivenessImageResponse = v.InferOutput<typeof LivenessImageResponseSchema>;

/**
 * Body of `POST /v1/liveness/image` as documented (JSON; CBOR may carry `image` as bytes). The route
 * checks it field by field so that each failure has its own code (IMAGE_MISSING,
 * IMAGE_BASE64_INVALID, …): see `parseImageRequest` in edge-verifier/routes/liveness-image.ts.
 */
export const LivenessImageRequestSchema = v.strictObject({
  /** base64 JPEG or PNG, 320×240 to 4 megapixels, at most 8 MiB decoded */
  image: v.union([v.pipe(v.string(), v.maxLength(IMAGE_LIMITS.maxBase64Chars)), v.instance(Uint8Array)]),
  /** default true: background removal, faces image and the step-by-step checks before liveness */
  preAnalysis: v.optional(v.boolean()),
  /** the capturing device's class when the image has no EXIF focal length (distance limits) */
  device: v.optional(v.picklist(IMAGE_DEVICES)),
});
