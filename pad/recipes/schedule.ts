/**
 * The evidence schedule every recipe (and every bona fide window) follows, as the element captures
 * it: 8 passive frames 300 ms apart (the 5th is 'best'), then the approach step's far and near.
 * And the hand-held motion of a planar object (print, screen, phone) along that schedule.
 */
import { boxBlur, mul, type Rgb, warpOnto } from './raster.ts';
import { gauss, type Rng, uni } from './rng.ts';

export type Role = 'seq' | 'best' | 'far' | 'near';
export interface RecipeFrame {
  image: Rgb;
  /** ms since capture start */
  t: number;
  role: Role;
}

export const SCHEDULE: readonly { t: number; role: Role }[] = [
  ...Array.from({ length: 8 }, (_, i) => ({ t: i * 300, role: (i === 4 ? 'best' : 'seq') as Role })),
  { t: 2700, role: 'far' },
  { t: 3500, role: 'near' },
];

export const CANVAS = 480;

export interface HandOptions {
  /** texture width as a share of the canvas width at the passive distance */
  fill: number;
  /** face growth far → near (the approach step) */
  approachGain: number;
  /** centre of the object on the canvas (default the centre) */
  cx?: number;
  cy?: number;
  /** hand tremor: rotation σ in degrees, translation σ in px, tilt σ (perspective, dimensionless) */
  rotDeg?: number;
  shiftPx?: number;
  tilt?: number;
  /** camera defocus on the close object: box-blur radius in px (0 = none) */
  defocus?: number;
}

/**
 * Homography (texture px → canvas px) of a hand-held planar object at schedule step `k`: global
 * scale, small rotation, translation jitter and a slight projective tilt (a held sheet is never
 * exactly fronto-parallel). Near frames are the same object scaled by `approachGain`.
 */
export function handPose(tex: { width: number; height: number }, k: number, r: Rng, o: HandOptions): number[] {
  const role = SCHEDULE[k].role;
  const s0 = (o.fill * CANVAS) / tex.width;
  const s = s0 * (1 + 0.015 * gauss(r)) * (role === 'near' ? o.approachGain : 1);
  const th = (((o.rotDeg ?? 1.5) * Math.PI) / 180) * gauss(r);
  const cx = (o.cx ?? CANVAS / 2) + (o.shiftPx ?? 5) * gauss(r);
  const cy = (o.cy ?? CANVAS / 2) + (o.shiftPx ?? 5) * gauss(r);
  const tl = o.tilt ?? 0.06;
  const px = (tl * gauss(r)) / tex.width;
  const py = (tl * gauss(r)) / tex.height;
  const T0 = [1, 0, -tex.width / 2, 0, 1, -tex.height / 2, 0, 0, 1];
  const P = [1, 0, 0, 0, 1, 0, px, py, 1];
  const S = [s, 0, 0, 0, s, 0, 0, 0, 1];
  const R = [Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th), 0, 0, 0, 1];
  const T1 = [1, 0, cx, 0, 1, cy, 0, 0, 1];
  return mul(T1, mul(R, mul(S, mul(P, T0))));
}

/** Renders the schedule: `texture(k)` drawn by handPose over `background(k)`. */
export function handHeld(texture: (k: number) => Rgb, background: (k: number) => Rgb, r: Rng, o: HandOptions): RecipeFrame[] {
  return SCHEDULE.map((s, k) => {
    const tex = texture(k);
    const bg = background(k);
    const img: Rgb = { ...bg, data: new Uint8Array(bg.data) };
    warpOnto(img, tex, handPose(tex, k, r, o));
    boxBlur(img, o.defocus ?? 0, 1);
    return { image: img, t: s.t, role: s.role };
  });
}

/** Random hand options within the documented ranges. */
export function randomHand(r: Rng, fill: [number, number]): HandOptions {
  return { fill: uni(r, fill[0], fill[1]), approachGain: uni(r, 1.25, 1.45), defocus: r() < 0.5 ? 1 : 0 };
}

/**
 * Digital-zoom factor per schedule step, as a fake camera looping a clip with a "move closer" zoom
 * delivers it and the element samples it (its `seq` frames span the passive window and the
 * approach): `near-only` (1× until the near frame), `ramp` (the zoom starts inside the passive
 * window and grows to the near frame), or `loop` (the first frames are still at the end of the
 * previous loop's zoom, then the jump back to 1×). Used by the still-as-camera recipe and the bona
 * fide windows alike, so that zoom itself tells the classes nothing.
 */
export function zoomProfile(r: Rng, gain: number): number[] {
  const u = r();
  const n = SCHEDULE.length;
  if (u < 1 / 3) return SCHEDULE.map((s) => (s.role === 'near' ? gain : 1));
  if (u < 2 / 3) {
    const k0 = 2 + Math.floor(r() * 6);
    return SCHEDULE.map((_, k) => (k < k0 ? 1 : 1 + ((gain - 1) * (k - k0 + 1)) / (n - k0)));
  }
  const m = 1 + Math.floor(r() * 3);
  return SCHEDULE.map((s, k) => (s.role === 'near' ? gain : k < m ? gain : 1));
}
