/**
 * Phone held in frame: a whole phone (portrait screen with bezel) showing the face, held inside
 * an otherwise face-free scene, so the device outline is entirely visible and the face is small.
 */
import { rng, uni } from './rng.ts';
import { handHeld, type RecipeFrame } from './schedule.ts';
import { scene } from './scene.ts';
import { randomLook, screenTexture } from './screen.ts';
import type { ImageInput } from '../../vision/types.ts';

export function phoneInFrameAttack(photo: ImageInput, seed: number): RecipeFrame[] {
  const r = rng(seed ^ 0x27d4eb2f);
  const look = { ...randomLook(r, Math.round(uni(r, 120, 150)), 0), bezel: uni(r, 0.06, 0.1) };
  look.contentH = Math.round(look.contentW * uni(r, 1.6, 2.0));
  const tex = screenTexture(photo, look);
  const bg = scene(r);
  return handHeld(() => tex, () => bg, r, {
    fill: uni(r, 0.4, 0.55),
    approachGain: uni(r, 1.25, 1.45),
    cx: uni(r, 200, 280),
    cy: uni(r, 210, 270),
  });
}
