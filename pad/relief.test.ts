/**
 * Facial relief of the approach pair (vision/pad/relief.ts) on real fixture frames: a person coming
 * closer (the modelled approach) against the same frame as one plane — digitally zoomed, or a print
 * held up and tilted — which is what a replay or a still brought closer shows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageInput } from '../vision/types.ts';
import { approachRelief } from '../vision/pad/relief.ts';
import { decodeClip, FIXTURES, jpegRoundTrip } from './fixtures.ts';
import { createNodeLandmarker, type NodeLandmarker } from './landmarks.ts';
import { approachWarp, digitalZoom, printAttack } from './recipes/index.ts';
import { toRgb, type Rgb } from './recipes/raster.ts';

let lm: NodeLandmarker;
/** Two fit-group clips (fixtures video/live d3, more/ lp_d8): one frame each. */
const frames: Rgb[] = [];

async function relief(far: ImageInput, near: ImageInput) {
  const a = await jpegRoundTrip(far);
  const b = await jpegRoundTrip(near);
  const la = await lm.landmarks(a);
  const lb = await lm.landmarks(b);
  expect(la && lb).toBeTruthy();
  return approachRelief(a, la!.points, b, lb!.points);
}

beforeAll(async () => {
  lm = await createNodeLandmarker();
  for (const clip of ['video/live/d3.mp4', 'more/video/live2/lp_d8_man_beard.mp4']) frames.push(toRgb((await decodeClip(path.join(FIXTURES, clip), { from: 30, max: 1 }))[0]));
}, 120_000);

afterAll(() => lm?.dispose());

describe('approach relief', () => {
  it('a face coming closer shows its relief (≈ 1 / distance in face widths); the same frame zoomed shows none', async () => {
    for (const f of frames) {
      const person = await relief(f, approachWarp(f, (await lm.landmarks(f))!, { gain: 1.35 }));
      const zoomed = await relief(f, await digitalZoom(f, 1.35));
      console.log(`relief: person ${person.relief.toFixed(3)} (t ${person.t.toFixed(1)}, ${person.points} points), zoomed ${zoomed.relief.toFixed(3)} (t ${zoomed.t.toFixed(1)})`);
      // the model starts 45 cm from a 14-cm face: 1 / 3.2 face widths ≈ 0.31, less what the tilt terms absorb
      expect(person.relief).toBeGreaterThan(0.15);
      expect(person.relief).toBeLessThan(0.5);
      expect(person.t).toBeGreaterThan(5);
      expect(Math.abs(zoomed.relief)).toBeLessThan(0.06);
    }
  }, 120_000);

  it('a print held up, tilted and brought closer grows as one plane', async () => {
    for (const [i, f] of frames.entries()) {
      const print = printAttack(f, 11 + i);
      const r = await relief(print.find((x) => x.role === 'far')!.image, print.find((x) => x.role === 'near')!.image);
      console.log(`relief: print ${r.relief.toFixed(3)} (t ${r.t.toFixed(1)}, ${r.points} points)`);
      expect(Number.isFinite(r.relief)).toBe(true);
      expect(Math.abs(r.relief)).toBeLessThan(0.08);
    }
  }, 120_000);

  it('no measurement without faces big enough to track', () => {
    const tiny = new Float32Array(468 * 3);
    const img: ImageInput = { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 };
    expect(Number.isNaN(approachRelief(img, tiny, img, tiny).relief)).toBe(true);
  });
});
