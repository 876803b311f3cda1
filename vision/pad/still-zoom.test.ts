/**
 * Regression for the still-photo attack that the server PAD approved (e2e `rejects still`): one
 * frame of a live clip fed as the camera, looped, with the approach step's digital zoom. Every
 * evidence frame is the same picture up to a similarity transform plus JPEG noise. The sequences are
 * built as the element selects them (evidence-collector: far, near, best, then `seq` spread over
 * the passive window and the approach; grabs every 250 ms, 1.2 s passive window, near at 1.2×),
 * from a fake camera with e2e's APPROACH_ZOOM (1× for 3.6 s, +1.2 %/frame to 1.45×, 6 s loop)
 * entered at several points of its loop. Landmarks: vision/'s BlazeFace + FaceMesh (tfjs wasm).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClip, FIXTURES, jpegRoundTrip } from '../../pad/fixtures.ts';
import { createNodeLandmarker, type NodeLandmarker } from '../../pad/landmarks.ts';
import { bonaFideWindow } from '../../pad/recipes/bona-fide.ts';
import { resizeBilinear, toRgb } from '../../pad/recipes/raster.ts';
import type { ImageInput } from '../types.ts';
import { padFromFrames, type PadFrame } from './evidence.ts';
import { alignedChange, FROZEN_ALIGNED, rigidSceneChange } from './frozen-frames.ts';

let lm: NodeLandmarker;
let clip: ImageInput[];

/** e2e/lib/fixtures.ts APPROACH_ZOOM at `ms` into the 6 s loop. */
const approachZoom = (ms: number) => {
  const on = Math.floor((ms % 6000) / 40);
  return on < 90 ? 1 : Math.min(1 + (on - 90) * 0.012, 1.45);
};

function zoom(img: ImageInput, z: number): ImageInput {
  const src = toRgb(img);
  if (z === 1) return src;
  const w = src.width / z;
  const h = src.height / z;
  return resizeBilinear(src, src.width, src.height, { x: (src.width - w) / 2, y: (src.height - h) / 2, w, h });
}

/**
 * The evidence the element uploads. `source(ms)` is the camera's picture before the zoom; `t0`
 * is where in the fake camera's loop the capture starts; `useZoom` false: no zoom at all.
 */
async function evidence(source: (ms: number) => ImageInput, t0: number, useZoom = true): Promise<PadFrame[]> {
  const z = (t: number) => (useZoom ? approachZoom(t0 + t) : 1);
  type G = { t: number; role: string; phase: 'passive' | 'approach' };
  const grabs: G[] = [];
  for (let t = 0; t < 1200; t += 250) grabs.push({ t, role: 'candidate', phase: 'passive' });
  grabs.push({ t: 1200, role: 'far', phase: 'passive' });
  for (let t = 1450; t < 6000; t += 250) {
    if (z(t) / z(1200) >= 1.2) {
      grabs.push({ t, role: 'near', phase: 'approach' });
      break;
    }
    grabs.push({ t, role: 'candidate', phase: 'approach' });
  }
  if (!grabs.some((g) => g.role === 'near')) grabs.push({ t: 6000, role: 'near', phase: 'approach' });
  const cands = grabs.filter((g) => g.role === 'candidate');
  const best = cands[2];
  const rest = cands.filter((g) => g !== best);
  const seq = rest.length <= 5 ? rest : Array.from({ length: 5 }, (_, i) => rest[Math.round((i * (rest.length - 1)) / 4)]);
  const sel = [...grabs.filter((g) => g.role === 'far' || g.role === 'near'), { ...best, role: 'best' }, ...seq.map((g) => ({ ...g, role: 'seq' }))];
  const out: PadFrame[] = [];
  for (const g of sel) {
    const image = await jpegRoundTrip(zoom(source(t0 + g.t), z(g.t)), 88);
    out.push({ image, landmarks: await lm.landmarks(image), t: g.t, role: g.role });
  }
  return out;
}

const still = () => clip[40];
const live = (ms: number) => clip[Math.floor(ms / 40) % clip.length];
const STARTS = [0, 3000, 5000];

beforeAll(async () => {
  lm = await createNodeLandmarker();
  clip = await decodeClip(path.join(FIXTURES, 'video/live/d18.mp4'));
}, 120_000);
afterAll(() => lm?.dispose());

describe('still photo fed as the camera with the approach zoom (one picture up to a similarity)', () => {
  it('alignedChange: a zoomed copy of one picture stays under FROZEN_ALIGNED; a live window exceeds it', async () => {
    const a = await jpegRoundTrip(clip[40]);
    const b = await jpegRoundTrip(zoom(clip[40], 1.3));
    const [la, lb] = [await lm.landmarks(a), await lm.landmarks(b)];
    expect(alignedChange(a, la!.points, b, lb!.points)).toBeLessThan(FROZEN_ALIGNED);
    // single pairs of a live face can be quiet (~0.04): the veto needs every pair of the window quiet
    const win = [];
    for (let i = 40; i <= 100; i += 8) {
      const image = await jpegRoundTrip(clip[i]);
      win.push({ image, points: (await lm.landmarks(image))!.points });
    }
    expect(rigidSceneChange(win).spread).toBeGreaterThan(FROZEN_ALIGNED);
  }, 60_000);

  it('a person holding very still on a plain background (d0, played forward and back) is not frozen', async () => {
    const d0 = await decodeClip(path.join(FIXTURES, 'video/live/d0.mp4'));
    for (const [start, seed] of [[0, 1], [40, 2]]) {
      const win = [];
      for (const f of await bonaFideWindow(d0, start, seed)) {
        const image = await jpegRoundTrip(f.image, 88);
        win.push({ image, points: (await lm.landmarks(image))!.points });
      }
      const s = rigidSceneChange(win);
      // consecutive pairs alone stay inside a zoomed still's range; pairs across the window do not
      expect(s.spread).toBeGreaterThan(FROZEN_ALIGNED);
    }
  }, 120_000);

  for (const t0 of STARTS) {
    it(`is not live (capture starting ${t0} ms into the loop)`, async () => {
      const frames = await evidence(still, t0);
      const r = padFromFrames(frames);
      expect(r.live).toBe(false);
      expect(r.liveness).toBeLessThan(50);
      expect(r.reasons[0]).toBe('PAD_FROZEN_FRAMES');
    }, 120_000);
  }

  for (const t0 of STARTS) {
    it(`keeps the live clip under the same zoom live (start ${t0} ms)`, async () => {
      const r = padFromFrames(await evidence(live, t0));
      expect(r.live).toBe(true);
      expect(r.liveness).toBeGreaterThanOrEqual(50);
    }, 120_000);
  }

  it("leaves a head-turn frame out: it is the challenge's evidence, not the PAD's (the same frame as a passive one changes the signals)", async () => {
    const frames = await evidence(still, 0);
    const image = await jpegRoundTrip(clip[90], 88);
    const extra = { image, landmarks: await lm.landmarks(image), t: 4000 };
    const base = padFromFrames(frames);
    const withTurn = padFromFrames([...frames, { ...extra, role: 'turn' }]);
    expect(withTurn.signals.features).toEqual(base.signals.features);
    expect([withTurn.liveness, withTurn.reasons]).toEqual([base.liveness, base.reasons]);
    expect(padFromFrames([...frames, { ...extra, role: 'seq' }]).signals.features).not.toEqual(base.signals.features);
  }, 120_000);

  it('keeps the live clip without any zoom live (approach not required)', async () => {
    const r = padFromFrames(await evidence(live, 0, false), undefined, { requireApproach: false });
    expect(r.liveness).toBeGreaterThanOrEqual(50);
  }, 120_000);
});
