/**
 * A physically modelled approach step for bona fide windows: the person moves towards a pinhole
 * camera, so every point of the head is magnified by Z / (Z − d) about the principal point, where Z
 * is its own depth. The depth comes from FaceMesh's 3-D landmarks (z in the same pixel scale as x),
 * spread over the head by Gaussian-weighted averaging; the background stays at its own, larger
 * depth and grows far less. A flat attack brought closer scales as one plane (see handPose); this
 * is the difference the perspective, planar-motion and face-relative edge signals measure.
 *
 * Limits (see the model card): one depth layer for the head, one for everything else (no neck or
 * shoulders of their own); no disocclusion (approaching only covers background); the face's own
 * pixels are resampled, not re-rendered, so the nose's side faces do not turn into view.
 */
import type { FaceLandmarks } from '../../vision/types.ts';
import { FACE_OVAL } from '../../vision/pad/mesh-indices.ts';
import { blank, type Rgb } from './raster.ts';
import { digitalZoom, type Approach } from './bona-fide.ts';

export interface ApproachOptions {
  /** growth of the face outline, far → near (the element asks for ≥ 1.15×) */
  gain: number;
  /**
   * camera-to-face distance when the step starts, cm (default 45: arm's length for a phone, a
   * laptop's webcam). Clips are often crops, so the field of view cannot be inferred from the frame
   */
  distanceCm?: number;
  /** real width of the face between the cheek landmarks, cm (default 14) */
  faceCm?: number;
  /** distance from the face to the wall behind it, cm (default 100) */
  backgroundCm?: number;
}

export interface ApproachModel {
  /** camera-to-face-outline distance before the step, cm */
  distanceCm: number;
  /** how far the person moved closer, cm */
  moveCm: number;
  /** magnification of the background layer */
  backgroundGain: number;
  /** magnification of the nose tip (landmark 1) */
  noseGain: number;
}

const CHEEK_R = 234;
const CHEEK_L = 454;
const NOSE_TIP = 1;

interface Head {
  cx: number;
  cy: number;
  /** ellipse semi-axes (px) of the head layer */
  ax: number;
  ay: number;
  /** lowest face-oval point (px) and face width (px) */
  chin: number;
  faceW: number;
  /** px → cm */
  cmPerPx: number;
  /** depth of the outline plane (cm) */
  zOut: number;
  /** per-landmark depth (cm) */
  depth: Float64Array;
}

function headOf(lm: FaceLandmarks, o: ApproachOptions): Head {
  const p = lm.points;
  const n = p.length / 3;
  const faceW = Math.hypot(p[CHEEK_L * 3] - p[CHEEK_R * 3], p[CHEEK_L * 3 + 1] - p[CHEEK_R * 3 + 1]);
  const cmPerPx = (o.faceCm ?? 14) / faceW;
  const zOut = o.distanceCm ?? 45;
  const zRef = (p[CHEEK_R * 3 + 2] + p[CHEEK_L * 3 + 2]) / 2;
  const depth = new Float64Array(n);
  for (let i = 0; i < n; i++) depth[i] = zOut + (p[i * 3 + 2] - zRef) * cmPerPx;
  let cx = 0;
  let cy = 0;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const i of FACE_OVAL) {
    cx += p[i * 3];
    cy += p[i * 3 + 1];
    minY = Math.min(minY, p[i * 3 + 1]);
    maxY = Math.max(maxY, p[i * 3 + 1]);
  }
  cx /= FACE_OVAL.length;
  cy /= FACE_OVAL.length;
  const faceH = maxY - minY;
  // the person layer: the face oval widened for ears and hair and raised for the crown, and the
  // neck and shoulders below it (a person moves as one; the wall behind does not)
  return { cx, cy: cy - 0.15 * faceH, ax: 0.95 * faceW, ay: 0.95 * faceH, chin: maxY, faceW, cmPerPx, zOut, depth };
}

/** Person-layer opacity at (x, y): head ellipse or body below the chin, feathered over the rim. */
function alphaAt(h: Head, x: number, y: number): number {
  const smooth = (r: number) => (r <= 0.9 ? 1 : r >= 1.05 ? 0 : ((t) => t * t * (3 - 2 * t))((1.05 - r) / 0.15));
  const dx = (x - h.cx) / h.ax;
  const dy = (y - h.cy) / h.ay;
  const head = smooth(Math.sqrt(dx * dx + dy * dy));
  if (y < h.chin) return head;
  // neck widening into shoulders: half-width 0.45 face widths at the chin, 1.8 one face height lower
  const below = (y - h.chin) / (h.ay / 0.95);
  const half = h.faceW * (0.45 + 1.35 * Math.min(1, Math.max(0, below - 0.25)));
  return Math.max(head, smooth(Math.abs(x - h.cx) / half));
}

/** Depth (cm) over the head on a coarse grid: Gaussian-weighted landmark depths, the outline depth far from any. */
function depthGrid(img: Rgb, lm: FaceLandmarks, h: Head, step: number): { at(x: number, y: number): number } {
  const gw = Math.ceil(img.width / step) + 1;
  const gh = Math.ceil(img.height / step) + 1;
  const grid = new Float64Array(gw * gh).fill(h.zOut);
  const p = lm.points;
  const n = p.length / 3;
  const sigma = 0.1 * h.faceW;
  const s2 = 2 * sigma * sigma;
  const cut = (4 * sigma) ** 2;
  // away from the face: hair, ears and body sit a few cm behind the cheeks
  const back = h.zOut + 3;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const x = gx * step;
      const y = gy * step;
      if (alphaAt(h, x, y) <= 0) continue;
      let sw = 1e-3;
      let sz = 1e-3 * back;
      for (let i = 0; i < n; i++) {
        const d2 = (p[i * 3] - x) ** 2 + (p[i * 3 + 1] - y) ** 2;
        if (d2 > cut) continue;
        const w = Math.exp(-d2 / s2);
        sw += w;
        sz += w * h.depth[i];
      }
      grid[gy * gw + gx] = sz / sw;
    }
  }
  return {
    at(x, y) {
      const fx = Math.min(gw - 1.001, Math.max(0, x / step));
      const fy = Math.min(gh - 1.001, Math.max(0, y / step));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      const g = (i: number, j: number) => grid[j * gw + i];
      return (1 - ay) * ((1 - ax) * g(x0, y0) + ax * g(x0 + 1, y0)) + ay * ((1 - ax) * g(x0, y0 + 1) + ax * g(x0 + 1, y0 + 1));
    },
  };
}

function sample(img: Rgb, x: number, y: number, wgt: number, acc: Float64Array): void {
  const xx = Math.min(img.width - 1.001, Math.max(0, x));
  const yy = Math.min(img.height - 1.001, Math.max(0, y));
  const x0 = Math.floor(xx);
  const y0 = Math.floor(yy);
  const ax = xx - x0;
  const ay = yy - y0;
  const i00 = (y0 * img.width + x0) * 3;
  const i10 = i00 + 3;
  const i01 = i00 + img.width * 3;
  const i11 = i01 + 3;
  for (let c = 0; c < 3; c++) {
    const v = (1 - ay) * ((1 - ax) * img.data[i00 + c] + ax * img.data[i10 + c]) + ay * ((1 - ax) * img.data[i01 + c] + ax * img.data[i11 + c]);
    acc[c] += wgt * v;
  }
}

/** The camera/approach parameters `approachWarp` uses for this face and gain. */
export function approachModel(lm: FaceLandmarks, o: ApproachOptions): ApproachModel {
  return modelOf(headOf(lm, o), o);
}

function modelOf(h: Head, o: ApproachOptions): ApproachModel {
  const move = h.zOut * (1 - 1 / o.gain);
  const zBg = h.zOut + (o.backgroundCm ?? 100);
  const zNose = h.depth[NOSE_TIP];
  return { distanceCm: h.zOut, moveCm: move, backgroundGain: zBg / (zBg - move), noseGain: zNose / (zNose - move) };
}

/**
 * The frame as the camera sees it after the person moved closer so that the face outline grew by
 * `o.gain`: the head magnified point by point by its own depth, the background by the wall's.
 */
export function approachWarp(img: Rgb, lm: FaceLandmarks, o: ApproachOptions): Rgb {
  const h = headOf(lm, o);
  const m = modelOf(h, o);
  const depth = depthGrid(img, lm, h, Math.max(2, Math.round(h.faceW / 16)));
  const move = m.moveCm;
  const px = img.width / 2;
  const py = img.height / 2;
  // the head layer's inverse map, solved on a 4-px grid (q = c + (p − c) / m(q), fixed point;
  // m varies slowly) and interpolated in between
  const st = 4;
  const gw = Math.ceil(img.width / st) + 1;
  const gh = Math.ceil(img.height / st) + 1;
  const mx = new Float64Array(gw * gh);
  const my = new Float64Array(gw * gh);
  const ma = new Float64Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const x = gx * st;
      const y = gy * st;
      let qx = px + (x - px) / o.gain;
      let qy = py + (y - py) / o.gain;
      for (let it = 0; it < 4; it++) {
        const z = depth.at(qx, qy);
        const g = z / (z - move);
        qx = px + (x - px) / g;
        qy = py + (y - py) / g;
      }
      mx[gy * gw + gx] = qx;
      my[gy * gw + gx] = qy;
      ma[gy * gw + gx] = alphaAt(h, qx, qy);
    }
  }
  const out = blank(img.width, img.height);
  const acc = new Float64Array(3);
  for (let y = 0; y < img.height; y++) {
    const fy = y / st;
    const y0 = Math.floor(fy);
    const ay = fy - y0;
    for (let x = 0; x < img.width; x++) {
      const fx = x / st;
      const x0 = Math.floor(fx);
      const ax = fx - x0;
      const k = y0 * gw + x0;
      const w00 = (1 - ay) * (1 - ax);
      const w10 = (1 - ay) * ax;
      const w01 = ay * (1 - ax);
      const w11 = ay * ax;
      const qx = w00 * mx[k] + w10 * mx[k + 1] + w01 * mx[k + gw] + w11 * mx[k + gw + 1];
      const qy = w00 * my[k] + w10 * my[k + 1] + w01 * my[k + gw] + w11 * my[k + gw + 1];
      const a = w00 * ma[k] + w10 * ma[k + 1] + w01 * ma[k + gw] + w11 * ma[k + gw + 1];
      acc.fill(0);
      if (a > 0) sample(img, qx, qy, a, acc);
      if (a < 1) sample(img, px + (x - px) / m.backgroundGain, py + (y - py) / m.backgroundGain, 1 - a, acc);
      const i = (y * img.width + x) * 3;
      out.data[i] = Math.round(acc[0]);
      out.data[i + 1] = Math.round(acc[1]);
      out.data[i + 2] = Math.round(acc[2]);
    }
  }
  return out;
}

/**
 * The Approach for bona fide windows: the source frame's landmarks (from `landmarks`), then
 * approachWarp; a frame without a face falls back to the digital zoom.
 */
export function physicalApproach(landmarks: (img: Rgb) => Promise<FaceLandmarks | null>, o: Omit<ApproachOptions, 'gain'> = {}): Approach {
  return async (src, gain) => {
    const lm = await landmarks(src);
    return lm ? approachWarp(src, lm, { ...o, gain }) : digitalZoom(src, gain);
  };
}
