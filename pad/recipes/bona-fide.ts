/**
 * Bona fide evidence windows from a live clip, following the element's evidence schedule. The
 * fixture clips have no approach step, so the near frame is the far frame's face grown 1.25–1.45×
 * (by a modelled approach or a digital zoom), as the element takes them (it records the far frame when the step starts and the near
 * one once the face has grown). Half the windows also drift closer across the passive frames, so
 * a zoom inside the passive window (as a looped, zoomed still shows) is not an attack cue by itself. Clips shorter than the schedule are played forward and
 * back (ping-pong), as the test harness feeds them to the fake camera: a live face keeps moving, and
 * no frame pair straddles a cut.
 */
import type { ImageInput } from '../../vision/types.ts';
import { resizeBilinear, toRgb, type Rgb } from './raster.ts';
import { rng, uni } from './rng.ts';
import { SCHEDULE, type RecipeFrame } from './schedule.ts';

/** Frame period of the fixture clips (25 fps), in ms. */
export const FRAME_MS = 40;
/** Frames one schedule spans. */
export const WINDOW_FRAMES = Math.round(SCHEDULE[SCHEDULE.length - 1].t / FRAME_MS) + 1;

/** Index into a clip of `n` frames played forward, then backward, then forward … */
export function pingPong(i: number, n: number): number {
  if (n <= 1) return 0;
  const period = 2 * (n - 1);
  const k = ((i % period) + period) % period;
  return k < n ? k : period - k;
}

/** Window starts every `stride` frames; a clip shorter than one window still gives one (at 0). */
export function windowStarts(n: number, stride: number): number[] {
  if (n <= 0) return [];
  const out: number[] = [];
  for (let s = 0; s + WINDOW_FRAMES <= n; s += stride) out.push(s);
  return out.length ? out : [0];
}

/** How a window's face grows: `src` as the camera sees it once the face grew by `gain`. */
export type Approach = (src: Rgb, gain: number) => Rgb | Promise<Rgb>;

/** The old harness's approach: a digital zoom of the whole frame (exactly what a flat picture brought closer looks like). */
export const digitalZoom: Approach = (src, z) => {
  const w = src.width / z;
  const h = src.height / z;
  return resizeBilinear(src, src.width, src.height, { x: (src.width - w) / 2, y: (src.height - h) / 2.4, w, h });
};

/**
 * The schedule's frames from `clip` starting at frame `start`, the face grown by a seeded profile
 * through `approach` (pad/recipes/approach.ts `physicalApproach` models a person moving closer;
 * the default is the digital zoom).
 */
export async function bonaFideWindow(clip: readonly ImageInput[], start: number, seed: number, approach: Approach = digitalZoom): Promise<RecipeFrame[]> {
  const r = rng(seed);
  const gain = uni(r, 1.25, 1.45);
  // half the windows drift closer during the passive frames (up to 1.15×), as people do
  const drift = r() < 0.5 ? 1 : uni(r, 1.03, 1.15);
  const last = SCHEDULE.length - 2;
  const out: RecipeFrame[] = [];
  for (const [k, s] of SCHEDULE.entries()) {
    const src = toRgb(clip[pingPong(start + Math.round(s.t / FRAME_MS), clip.length)]);
    const z = s.role === 'near' ? drift * gain : 1 + ((drift - 1) * Math.min(k, last)) / last;
    out.push({ image: z === 1 ? src : await approach(src, z), t: s.t, role: s.role });
  }
  return out;
}
