/**
 * Every threshold of the on-device checks and the scheduler, in one object with documented
 * defaults. `resolveConfig` deep-merges a partial override (validated with valibot: it may come
 * from an integrator's page) onto DEFAULT_CONFIG.
 */
import * as v from 'valibot';

export const DEVICE_CLASSES = ['desktop', 'phone', 'tablet'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const DEFAULT_CONFIG = {
  face: {
    /** blazeface score for a face to count (0–1) */
    minScore: 0.6,
    /** guide oval as fractions of the frame (centre, full width/height); the element may override */
    guide: { cx: 0.5, cy: 0.5, w: 0.7, h: 0.85 },
    /** max |yaw| and |pitch| in degrees, from facemesh z */
    maxYawDeg: 25,
    maxPitchDeg: 22,
  },
  eyes: {
    /** eye aspect ratio (lid gap / corner distance, facemesh) under which an eye counts as closed */
    closedEar: 0.12,
    /** an eye patch whose luma std-dev is below this is covered (tape, mask, hand) */
    minPatchStd: 7,
    /** an eye patch darker than this fraction of the face mean is covered (dark glasses) */
    minPatchLumaRatio: 0.3,
    /** when true the eyes check fails with NO_BLINK until a blink was seen */
    requireBlink: false,
    /**
     * a blink: EAR below max(closedEar, blinkDrop·baseline) for 40–500 ms. 0.7 since the short-range
     * detector (2026-12-02): on the 22 fit clips (video/live, more/video/live2, first 4 s) a blink
     * was seen in 7 clips at 0.7 against 6 at 0.65 (the 256 detector: 6 at either), and in none of
     * the 6 recorded attacks (more/video/attack2) at either
     */
    blinkDrop: 0.7,
    blinkMinMs: 40,
    blinkMaxMs: 500,
  },
  phone: {
    /** COCO labels that count as a phone/tablet/screen (CenterNet confuses them with each other) */
    labels: ['cell phone', 'tv', 'laptop', 'remote'] as string[],
    /** detection score that fails the check (CenterNet scored a tablet composited into live
     *  frames 0.18–0.28; clean frames ≤ 0.15) */
    minScore: 0.17,
    /** ignore boxes covering more than this fraction of the frame (the whole scene, not an object)… */
    maxAreaFrac: 0.85,
    /** …or less (earrings, buttons: a phone shown to the camera is bigger than ~80×80 px in 480²) */
    minAreaFrac: 0.03,
    /** long/short side above which a box is not a phone or screen (a 20:9 phone is 2.2; door edges, car pillars ≥ 3) */
    maxAspect: 2.6,
    /** a held device reaches the face box grown by this many face sizes on each side (a TV across the room does not) */
    nearFace: 0.5,
    /** consecutive detector runs that must agree before the check fails (no flicker on one run) */
    confirmRuns: 2,
    /** detector period in ms (~2 Hz; stretched to 3× the last run's latency on a busy CPU) and
     *  age after which a result is stale (stretched likewise) */
    periodMs: 500,
    staleMs: 2500,
  },
  lighting: {
    /**
     * mean luma (0–255) of the inner face region: below → TOO_DARK, above → TOO_BRIGHT. The floor is
     * the matcher's own (its quality report flags UNDEREXPOSED under a face-chip mean of 50,
     * matcher/extraction/quality.ts): the device does not refuse a face the server can use
     */
    minFaceLuma: 50,
    maxFaceLuma: 205,
    /** fraction of face pixels at ≥ 250 luma (blown out) that fails with TOO_BRIGHT */
    maxClippedFrac: 0.12,
    /** background mean / face mean above which the face is back-lit… */
    maxBacklightRatio: 1.8,
    /** …when the background itself is this bright (a dark room is TOO_DARK, not BACKLIT) */
    minBacklightBgLuma: 140,
  },
  distance: {
    /** adult face width between the mesh's cheek points 234–454, cm */
    faceWidthCm: 14.5,
    /** human iris diameter, cm */
    irisCm: 1.17,
    /**
     * accepted range of the estimated distance, cm. 75: a laptop webcam at arm's length; a
     * 14.5 cm face there is still ~105 px wide in a 640-px, 60° frame (the approach step then
     * brings it closer). 45 refused people sitting normally at their desk
     */
    minCm: 18,
    maxCm: 75,
    /** per device class: horizontal field of view of the front camera and a multiplicative correction */
    devices: {
      desktop: { hfovDeg: 60, correction: 1 },
      phone: { hfovDeg: 68, correction: 1 },
      tablet: { hfovDeg: 72, correction: 1 },
    } as Record<DeviceClass, { hfovDeg: number; correction: number }>,
    deviceClass: 'desktop' as DeviceClass,
  },
  liveness: {
    /** 0–100 score under which the check fails with FACE_NOT_LIVE */
    minScore: 50,
    /** frames of landmark history used for the non-rigid motion signal (2 s at 25 fps) */
    window: 50,
    /** ratio spread of a rigidly moved photo (mesh jitter + resampling measured 0.005–0.008) */
    motionFloor: 0.006,
    /** ratio spread that counts as fully "moving" (talking faces measured 0.017–0.034) */
    motionFull: 0.02,
  },
  scheduler: {
    /**
     * run blazeface every n-th frame; in between the face box is tracked from the previous frame's
     * mesh (MediaPipe's detect-then-track). Any lost track forces a detection on the next frame,
     * so FACE_MULTIPLE / FACE_NOT_FOUND lag by at most n−1 frames.
     */
    detectEvery: 6,
    /** heavy models (iris, antispoof) every k-th frame, offset from the detector frames */
    heavyEvery: 6,
    /** frames sent to the worker and not answered yet; one more waits on the main thread, and a
     *  newer frame replaces it (drop, don't lag) */
    maxInFlight: 1,
  },
};

export type VisionConfig = typeof DEFAULT_CONFIG;

const num = v.number();
const pos = v.pipe(v.number(), v.minValue(0));
const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

const DeviceSchema = v.strictObject({ hfovDeg: v.pipe(num, v.minValue(10), v.maxValue(170)), correction: pos });

/** Schema of an override coming from outside (every field optional, unknown keys rejected). */
export const ConfigOverrideSchema = v.partial(
  v.strictObject({
    face: v.partial(v.strictObject({ minScore: unit, guide: v.strictObject({ cx: unit, cy: unit, w: unit, h: unit }), maxYawDeg: pos, maxPitchDeg: pos })),
    eyes: v.partial(
      v.strictObject({ closedEar: pos, minPatchStd: pos, minPatchLumaRatio: unit, requireBlink: v.boolean(), blinkDrop: unit, blinkMinMs: pos, blinkMaxMs: pos }),
    ),
    phone: v.partial(
      v.strictObject({ labels: v.array(v.pipe(v.string(), v.maxLength(64))), minScore: unit, maxAreaFrac: unit, minAreaFrac: unit, maxAspect: pos, nearFace: pos, confirmRuns: v.pipe(num, v.integer(), v.minValue(1)), periodMs: pos, staleMs: pos }),
    ),
    lighting: v.partial(v.strictObject({ minFaceLuma: pos, maxFaceLuma: pos, maxClippedFrac: unit, maxBacklightRatio: pos, minBacklightBgLuma: pos })),
    distance: v.partial(
      v.strictObject({
        faceWidthCm: pos,
        irisCm: pos,
        minCm: pos,
        maxCm: pos,
        devices: v.partial(v.strictObject({ desktop: DeviceSchema, phone: DeviceSchema, tablet: DeviceSchema })),
        deviceClass: v.picklist(DEVICE_CLASSES),
      }),
    ),
    liveness: v.partial(v.strictObject({ minScore: v.pipe(num, v.minValue(0), v.maxValue(100)), window: v.pipe(num, v.integer(), v.minValue(2)), motionFloor: pos, motionFull: pos })),
    scheduler: v.partial(v.strictObject({ detectEvery: v.pipe(num, v.integer(), v.minValue(1)), heavyEvery: v.pipe(num, v.integer(), v.minValue(1)), maxInFlight: v.pipe(num, v.integer(), v.minValue(1), v.maxValue(4)) })),
  }),
);
export type ConfigOverride = v.InferInput<typeof ConfigOverrideSchema>;

/** Validates `override` (throws valibot's ValiError on bad input) and merges it onto the defaults. */
export function resolveConfig(override: unknown = {}): VisionConfig {
  const o = v.parse(ConfigOverrideSchema, override ?? {});
  const d = structuredClone(DEFAULT_CONFIG);
  return {
    face: { ...d.face, ...o.face },
    eyes: { ...d.eyes, ...o.eyes },
    phone: { ...d.phone, ...o.phone },
    lighting: { ...d.lighting, ...o.lighting },
    distance: { ...d.distance, ...o.distance, devices: { ...d.distance.devices, ...o.distance?.devices } as VisionConfig['distance']['devices'] },
    liveness: { ...d.liveness, ...o.liveness },
    scheduler: { ...d.scheduler, ...o.scheduler },
  };
}
