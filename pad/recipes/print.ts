/**
 * Printed photo attack: the photo is desaturated and flattened in tone (office printer), blurred
 * (print + re-capture optics), given paper grain and a paper border, then held in front of the
 * camera with hand tremor and brought closer for the approach step (a global scale-up of the
 * same still).
 */
import { border, boxBlur, noise, type Rgb, toRgb, tone } from './raster.ts';
import { handHeld, randomHand, type RecipeFrame } from './schedule.ts';
import { scene } from './scene.ts';
import { rng, uni } from './rng.ts';
import type { ImageInput } from '../../vision/types.ts';

/** The printed sheet as a texture (photo + tone + blur + grain + paper border). */
export function printTexture(photo: ImageInput, seed: number): Rgb {
  const r = rng(seed);
  const p = toRgb(photo);
  tone(p, { saturation: uni(r, 0.4, 0.8), gamma: uni(r, 0.9, 1.15), gain: uni(r, 0.8, 0.9), offset: uni(r, 12, 30) });
  boxBlur(p, 1, Math.floor(uni(r, 1, 3)));
  noise(p, r, 2.5);
  const paper = Math.round(uni(r, 228, 250));
  return border(p, Math.round(p.width * uni(r, 0.06, 0.14)), [paper, paper, paper - Math.round(uni(r, 0, 8))]);
}

/** Evidence frames of a print attack on `photo` (deterministic in `seed`). */
export function printAttack(photo: ImageInput, seed: number): RecipeFrame[] {
  const r = rng(seed ^ 0x9e3779b9);
  const tex = printTexture(photo, seed);
  const bg = scene(r);
  return handHeld(() => tex, () => bg, r, randomHand(r, [0.75, 1.0]));
}
