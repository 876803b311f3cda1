import type { FaceDetection, FaceLandmarks, ImageInput } from '../../vision/types.ts';

/** ICAO-style quality report for one reference image; measurements, not verdicts, plus flags. */
export interface QualityReport {
  /** faces the detector found in the image */
  faces: number;
  /** inter-eye distance (eye centres) in source pixels */
  interEyePx: number;
  /** face box width / image width */
  faceWidthRatio: number;
  /** head pose in degrees (approximate, from the mesh) */
  yaw: number;
  pitch: number;
  roll: number;
  /** mean luma of the face chip 0–255 and the share of clipped pixels */
  exposure: number;
  clipped: number;
  /** variance of the Laplacian on the aligned chip's luma */
  sharpness: number;
  /** eye aspect ratio (opening / width), mean of both eyes */
  eyeOpenness: number;
  /** eye midpoint's horizontal offset from the image centre and its height from the top, both ÷ the image size */
  centreOffset: number;
  eyeLine: number;
  /** luma standard deviation of the background (the image outside the head box, sampled) */
  backgroundStd: number;
  /** share of near-white, colourless pixels around the eyes (glare on glasses) */
  eyeGlare: number;
  /** stable codes of checks that failed the reference-image thresholds */
  issues: string[];
}

export interface QualityThresholds {
  minInterEyePx: number;
  maxYaw: number;
  maxPitch: number;
  maxRoll: number;
  minExposure: number;
  maxExposure: number;
  minSharpness: number;
  minEyeOpenness: number;
}

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  minInterEyePx: 30,
  maxYaw: 25,
  maxPitch: 25,
  maxRoll: 20,
  minExposure: 50,
  maxExposure: 210,
  minSharpness: 20,
  minEyeOpenness: 0.12,
};

const P = (lm: FaceLandmarks, i: number): [number, number, number] => [lm.points[3 * i], lm.points[3 * i + 1], lm.points[3 * i + 2]];
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

export function lumaStats(chip: ImageInput): { mean: number; clipped: number; lapVar: number } {
  const { width: w, height: h, data, channels: c } = chip;
  const y = new Float32Array(w * h);
  let sum = 0, clipped = 0;
  for (let i = 0; i < w * h; i++) {
    const v = 0.299 * data[i * c] + 0.587 * data[i * c + 1] + 0.114 * data[i * c + 2];
    y[i] = v; sum += v;
    if (v < 8 || v > 247) clipped++;
  }
  let s = 0, s2 = 0, n = 0;
  for (let r = 1; r < h - 1; r++) for (let q = 1; q < w - 1; q++) {
    const i = r * w + q;
    const l = y[i - 1] + y[i + 1] + y[i - w] + y[i + w] - 4 * y[i];
    s += l; s2 += l * l; n++;
  }
  const m = n ? s / n : 0;
  return { mean: sum / (w * h), clipped: clipped / (w * h), lapVar: n ? s2 / n - m * m : 0 };
}

const luma = (d: ImageInput['data'], i: number) => 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];

/** Luma spread of the image outside the head (the face box grown 1.6× and down to the chin), every 4th pixel. */
function backgroundStd(image: ImageInput, box: { x: number; y: number; w: number; h: number }): number {
  const { width: w, height: h, data, channels: c } = image;
  const x0 = box.x - box.w * 0.3, x1 = box.x + box.w * 1.3, y0 = box.y - box.h * 0.5;
  let n = 0, s = 0, s2 = 0;
  for (let y = 0; y < h; y += 4) for (let x = 0; x < w; x += 4) {
    if (x >= x0 && x <= x1 && y >= y0) continue; // the head and what lies below it (neck, shoulders)
    const v = luma(data, (y * w + x) * c);
    s += v; s2 += v * v; n++;
  }
  if (n < 16) return 0;
  const m = s / n;
  return Math.sqrt(Math.max(0, s2 / n - m * m));
}

/** Near-white, colourless pixels in a box around each eye (corners a, b): specular glare on lenses. */
function eyeGlare(image: ImageInput, eyes: [number[], number[]][]): number {
  const { width: w, height: h, data, channels: c } = image;
  let n = 0, hot = 0;
  for (const [a, b] of eyes) {
    const r = dist(a, b) * 0.9, cx = (a[0] + b[0]) / 2, cy = (a[1] + b[1]) / 2;
    for (let y = Math.max(0, Math.round(cy - r * 0.7)); y < Math.min(h, Math.round(cy + r * 0.7)); y++) {
      for (let x = Math.max(0, Math.round(cx - r)); x < Math.min(w, Math.round(cx + r)); x++) {
        const i = (y * w + x) * c;
        const mx = Math.max(data[i], data[i + 1], data[i + 2]), mn = Math.min(data[i], data[i + 1], data[i + 2]);
        n++;
        if (mn > 235 && mx - mn < 20) hot++;
      }
    }
  }
  return n ? hot / n : 0;
}

/** Measures one image's face for enrolment quality; `chip` is the aligned face chip. */
export function assessQuality(image: ImageInput, faces: FaceDetection[], face: FaceDetection, lm: FaceLandmarks, chip: ImageInput, t = DEFAULT_QUALITY_THRESHOLDS): QualityReport {
  const rOut = P(lm, 33), rIn = P(lm, 133), lIn = P(lm, 362), lOut = P(lm, 263), nose = P(lm, 1);
  const rc = [(rOut[0] + rIn[0]) / 2, (rOut[1] + rIn[1]) / 2], lc = [(lOut[0] + lIn[0]) / 2, (lOut[1] + lIn[1]) / 2];
  const interEyePx = dist(rc, lc);
  const roll = (Math.atan2(lc[1] - rc[1], lc[0] - rc[0]) * 180) / Math.PI;
  // yaw: nose tip offset from the eye midpoint relative to the eye distance; pitch: from the mesh depth
  const mid = [(rc[0] + lc[0]) / 2, (rc[1] + lc[1]) / 2];
  const yaw = (Math.asin(Math.max(-1, Math.min(1, ((nose[0] - mid[0]) / (interEyePx || 1)) * 1.2))) * 180) / Math.PI;
  const forehead = P(lm, 10), chin = P(lm, 152);
  const pitch = (Math.atan2(chin[2] - forehead[2], dist(chin, forehead) || 1) * 180) / Math.PI;
  const ear = (top: number, bottom: number, a: number, b: number) => dist(P(lm, top), P(lm, bottom)) / (dist(P(lm, a), P(lm, b)) || 1);
  const eyeOpenness = (ear(159, 145, 33, 133) + ear(386, 374, 362, 263)) / 2;
  const st = lumaStats(chip);
  const issues: string[] = [];
  if (faces.length > 1) issues.push('MULTIPLE_FACES');
  if (interEyePx < t.minInterEyePx) issues.push('FACE_TOO_SMALL');
  if (Math.abs(yaw) > t.maxYaw || Math.abs(pitch) > t.maxPitch || Math.abs(roll) > t.maxRoll) issues.push('POSE');
  if (st.mean < t.minExposure) issues.push('UNDEREXPOSED');
  if (st.mean > t.maxExposure) issues.push('OVEREXPOSED');
  if (st.lapVar < t.minSharpness) issues.push('BLURRY');
  if (eyeOpenness < t.minEyeOpenness) issues.push('EYES_CLOSED');
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    faces: faces.length,
    interEyePx: r2(interEyePx),
    faceWidthRatio: r2(face.box.w / image.width),
    yaw: r2(yaw), pitch: r2(pitch), roll: r2(roll),
    exposure: r2(st.mean), clipped: r2(st.clipped),
    sharpness: r2(st.lapVar),
    eyeOpenness: r2(eyeOpenness),
    centreOffset: r2(Math.abs(mid[0] / image.width - 0.5)),
    eyeLine: r2(mid[1] / image.height),
    backgroundStd: r2(backgroundStd(image, face.box)),
    eyeGlare: Math.round(eyeGlare(image, [[rOut, rIn], [lIn, lOut]]) * 1000) / 1000,
    issues,
  };
}
