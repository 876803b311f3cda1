/**
 * Still image fed as the camera (virtual camera / injected stream): the same photo every frame,
 * optionally with fresh sensor-like noise per frame, and a digital zoom (a similarity transform of
 * the same picture) for the approach step, as the element samples it: see `zoomProfile` (zoom only
 * on the near frame, a zoom ramp across the passive window, or a loop jump back to 1×).
 */
import { noise, type Rgb, resizeBilinear, toRgb } from './raster.ts';
import { rng, uni } from './rng.ts';
import { CANVAS, SCHEDULE, zoomProfile, type RecipeFrame } from './schedule.ts';
import type { ImageInput } from '../../vision/types.ts';

export function stillCameraAttack(photo: ImageInput, seed: number): RecipeFrame[] {
  const r = rng(seed ^ 0x165667b1);
  const src = toRgb(photo);
  const side = Math.min(src.width, src.height);
  const box = { x: (src.width - side) / 2, y: (src.height - side) / 2, w: side, h: side };
  const base = resizeBilinear(src, CANVAS, CANVAS, box);
  const sigma = r() < 0.5 ? 0 : uni(r, 1, 3);
  const gain = uni(r, 1.25, 1.45);
  const zoom = zoomProfile(r, gain);
  return SCHEDULE.map((s, k) => {
    let img: Rgb;
    if (zoom[k] !== 1) {
      const w = side / zoom[k];
      img = resizeBilinear(src, CANVAS, CANVAS, { x: box.x + (side - w) / 2, y: box.y + (side - w) / 2, w, h: w });
    } else img = { ...base, data: new Uint8Array(base.data) };
    if (sigma > 0) noise(img, r, sigma);
    return { image: img, t: s.t, role: s.role };
  });
}
