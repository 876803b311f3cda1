/**
 * Screen replay attack: the face (a still, or a clip's frames for a video replay) is shown on a
 * tablet/phone screen: gamma and saturation shift, an RGB sub-pixel grid with a black matrix
 * (which aliases into moiré when the camera resamples it), a specular glare highlight on the glass
 * and a dark bezel, held with hand tremor and brought closer for the approach step.
 */
import { border, type Rgb, resizeBilinear, toRgb, tone } from './raster.ts';
import { handHeld, randomHand, SCHEDULE, type RecipeFrame } from './schedule.ts';
import { scene } from './scene.ts';
import { FRAME_MS, pingPong } from './bona-fide.ts';
import { rng, type Rng, uni } from './rng.ts';
import type { ImageInput } from '../../vision/types.ts';

export interface ScreenLook {
  contentW: number;
  contentH: number;
  gamma: number;
  saturation: number;
  /** glare centre (share of content size), radius (share of width), strength 0–255 */
  glare: { x: number; y: number; rad: number; amp: number };
  bezel: number;
  /** sub-pixel grid pitch in texture pixels per screen pixel */
  pitch: number;
  /** light of the other two primaries in each sub-pixel stripe (1 = no grid) and the row gap's transmission */
  crosstalk: number;
  matrix: number;
  /** brightness compensation for the grid's light loss */
  gainComp: number;
}

export function randomLook(r: Rng, contentW: number, contentH: number): ScreenLook {
  return {
    contentW,
    contentH,
    gamma: uni(r, 0.75, 1.3),
    saturation: uni(r, 1.0, 1.3),
    glare: { x: uni(r, 0.15, 0.85), y: uni(r, 0.1, 0.6), rad: uni(r, 0.12, 0.35), amp: uni(r, 70, 170) },
    bezel: uni(r, 0.04, 0.09),
    pitch: 3,
    crosstalk: uni(r, 0.55, 0.8),
    matrix: uni(r, 0.7, 0.9),
    gainComp: 1.25,
  };
}

/** A frame of screen content as the texture the camera sees (grid, glare, bezel). */
export function screenTexture(content: ImageInput, look: ScreenLook): Rgb {
  // cover-crop the content to the screen's aspect ratio
  const a = look.contentW / look.contentH;
  const src = toRgb(content);
  const cw = Math.min(src.width, src.height * a);
  const ch = cw / a;
  const c = resizeBilinear(src, look.contentW, look.contentH, { x: (src.width - cw) / 2, y: (src.height - ch) / 2, w: cw, h: ch });
  tone(c, { gamma: look.gamma, saturation: look.saturation });
  const p = look.pitch;
  const W = look.contentW * p;
  const H = look.contentH * p;
  const t: Rgb = { data: new Uint8Array(W * H * 3), width: W, height: H, channels: 3 };
  const gx = look.glare.x * W;
  const gy = look.glare.y * H;
  const gr = look.glare.rad * W;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const s = ((Math.floor(y / p) * look.contentW + Math.floor(x / p)) * 3) as number;
      const sub = x % p; // R, G, B stripes
      const row = y % p === p - 1 ? look.matrix : 1; // black matrix between pixel rows
      const g = look.glare.amp * Math.exp(-(((x - gx) ** 2 + ((y - gy) * 1.6) ** 2) / (2 * gr * gr)));
      const o = (y * W + x) * 3;
      for (let k = 0; k < 3; k++) t.data[o + k] = Math.min(255, c.data[s + k] * (k === sub ? 1 : look.crosstalk) * row * look.gainComp + g);
    }
  return border(t, Math.round(W * look.bezel), [18, 18, 20]);
}

/** Screen replay of a still photo. */
export function screenAttack(photo: ImageInput, seed: number): RecipeFrame[] {
  const r = rng(seed ^ 0x85ebca6b);
  const look = randomLook(r, Math.round(uni(r, 200, 250)), Math.round(uni(r, 230, 280)));
  const tex = screenTexture(photo, look);
  const bg = scene(r);
  return handHeld(() => tex, () => bg, r, randomHand(r, [0.85, 1.15]));
}

/**
 * Screen replay of a video: `clip` holds frames at 25 fps; the replay shows the frame matching each
 * evidence timestamp, so the displayed face blinks, talks and turns (geometry and temporal signals
 * see real face motion; only optics and context give it away).
 */
export function videoReplayAttack(clip: readonly ImageInput[], seed: number, startFrame = 0): RecipeFrame[] {
  const r = rng(seed ^ 0xc2b2ae35);
  const look = randomLook(r, Math.round(uni(r, 200, 250)), Math.round(uni(r, 230, 280)));
  const bg = scene(r);
  const frameAt = (k: number) => clip[pingPong(startFrame + Math.round(SCHEDULE[k].t / FRAME_MS), clip.length)];
  return handHeld((k) => screenTexture(frameAt(k), look), () => bg, r, randomHand(r, [0.85, 1.15]));
}
