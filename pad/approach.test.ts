/**
 * The modelled approach (pad/recipes/approach.ts) and the signals that read it, on real fixture
 * frames: a person in a room with straight edges behind them, and the same frame as a flat picture.
 * A person coming closer grows by depth (nose faster than cheeks, the wall far less); a picture
 * brought closer, or a still zoomed by the camera feed, grows as one plane.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageInput } from '../vision/types.ts';
import { extractFeatures, type PadFrame } from '../vision/pad/features.ts';
import { backdropParallax } from '../vision/pad/backdrop.ts';
import { faceRelativeEdges, straightEdges } from '../vision/pad/edges.ts';
import { FROZEN_BACKDROP, FROZEN_BLINK, frozenScene } from '../vision/pad/frozen-frames.ts';
import { landmarkBox } from '../vision/pad/image-ops.ts';
import { decodeClip, FIXTURES, jpegRoundTrip } from './fixtures.ts';
import { createNodeLandmarker, type NodeLandmarker } from './landmarks.ts';
import { approachModel, approachWarp, digitalZoom, printAttack, SCHEDULE } from './recipes/index.ts';
import { toRgb, type Rgb } from './recipes/raster.ts';

let lm: NodeLandmarker;
/** A porch with white posts and a door frame behind a man (eval-only: tests and evaluation only). */
const PORCH = 'eval-only/video/live/dfdc_porch_man.mp4';
let porch: Rgb;

async function pad(img: ImageInput, t: number, role: string): Promise<PadFrame> {
  const image = await jpegRoundTrip(img);
  return { image, landmarks: await lm.landmarks(image), t, role };
}

/** The evidence schedule with one frame held for every passive step (a person holding perfectly still) and `near` as given. */
async function stillWindow(frame: Rgb, near: Rgb): Promise<PadFrame[]> {
  const out: PadFrame[] = [];
  for (const s of SCHEDULE) out.push(await pad(s.role === 'near' ? near : frame, s.t, s.role));
  return out;
}

beforeAll(async () => {
  lm = await createNodeLandmarker();
  porch = toRgb((await decodeClip(path.join(FIXTURES, PORCH), { from: 60, max: 1 }))[0]);
}, 120_000);

afterAll(() => lm?.dispose());

describe('modelled approach of a real person', () => {
  it('magnifies the nose more than the face outline, and the outline more than the wall', async () => {
    const m = approachModel((await lm.landmarks(porch))!, { gain: 1.35 });
    expect(m.noseGain).toBeGreaterThan(1.35);
    expect(m.backgroundGain).toBeGreaterThan(1);
    expect(m.backgroundGain).toBeLessThan(1.2);
    expect(m.moveCm).toBeGreaterThan(5);
  });

  it('grows the face by about the asked gain (FaceMesh on the warped frame)', async () => {
    const far = (await lm.landmarks(porch))!;
    const near = (await lm.landmarks(approachWarp(porch, far, { gain: 1.3 })))!;
    const w = (p: ArrayLike<number>) => landmarkBox(p, 1).w;
    expect(w(near.points) / w(far.points)).toBeGreaterThan(1.15);
    expect(w(near.points) / w(far.points)).toBeLessThan(1.5);
  });

  it('the wall edges behind a real person do not frame the face once they come closer; a paper border does', async () => {
    const far = await pad(porch, 2700, 'far');
    const near = await pad(approachWarp(porch, far.landmarks!, { gain: 1.35 }), 3500, 'near');
    const edges = (f: PadFrame) => straightEdges(f.image, landmarkBox(f.landmarks!.points, 1));
    const still = edges(far).frame;
    const moving = faceRelativeEdges(far.image, far.landmarks!.points, near.image, near.landmarks!.points, landmarkBox(far.landmarks!.points, 1)).frame;
    const print = printAttack(porch, 7);
    const pf = await pad(print.find((f) => f.role === 'far')!.image, 2700, 'far');
    const pn = await pad(print.find((f) => f.role === 'near')!.image, 3500, 'near');
    const paper = faceRelativeEdges(pf.image, pf.landmarks!.points, pn.image, pn.landmarks!.points, landmarkBox(pf.landmarks!.points, 1)).frame;
    console.log(`porch edges: one frame ${still.toFixed(2)}, face-relative over the approach ${moving.toFixed(2)}; print ${edges(pf).frame.toFixed(2)} → ${paper.toFixed(2)}`);
    expect(moving).toBeLessThan(still);
    expect(paper).toBeGreaterThan(moving);
    expect(paper).toBeGreaterThan(0.8 * edges(pf).frame);
  }, 60_000);

  it('a person holding perfectly still is not a frozen scene once they come closer; the same frame zoomed is', async () => {
    const person = await stillWindow(porch, approachWarp(porch, (await lm.landmarks(porch))!, { gain: 1.35 }));
    const zoomed = await stillWindow(porch, await digitalZoom(porch, 1.35));
    const a = extractFeatures(person);
    const b = extractFeatures(zoomed);
    console.log(`aligned change of the approach pair: person ${a.alignedApproach.toFixed(3)}, zoomed still ${b.alignedApproach.toFixed(3)}; passive spread ${a.alignedSpread.toFixed(3)}`);
    expect(a.approach && b.approach).toBe(true);
    expect(frozenScene(a)).toBe(false);
    expect(frozenScene(b)).toBe(true);
    // the room stayed while the face grew: on its own enough to lift the veto; a zoomed still's did not
    expect(a.backdrop).toBeGreaterThanOrEqual(FROZEN_BACKDROP);
    expect(frozenScene({ ...a, alignedApproach: 0 })).toBe(false);
    expect(b.backdrop).toBeLessThan(0);
  }, 60_000);
});

describe('a still person whose face fills the frame (eval-only fellway: a portrait selfie against a brick wall)', () => {
  it('is not a frozen scene when the eyes close in the passive window; the same frame held and zoomed is', async () => {
    // 368×656 portrait; a camera asked for 640 on both sides gives 3:4, the centre 368×491 of it
    const crop = (img: ImageInput): Rgb => {
      const h = Math.round((img.width * 4) / 3);
      const y0 = Math.floor((img.height - h) / 2);
      return { data: img.data.slice(y0 * img.width * 3, (y0 + h) * img.width * 3) as Uint8Array, width: img.width, height: h, channels: 3 };
    };
    const clip = (await decodeClip(path.join(FIXTURES, 'eval-only/video/live/fellway_selfie_brick.mp4'))).map(crop);
    // the evidence schedule over the clip from frame 75 (25 fps): the eyes half close at frames 90–92
    const at = (t: number) => clip[Math.round(75 + (t * 25) / 1000)];
    const recorded: PadFrame[] = [];
    for (const s of SCHEDULE) recorded.push(await pad(s.role === 'near' ? approachWarp(at(s.t), (await lm.landmarks(at(s.t)))!, { gain: 1.35 }) : at(s.t), s.t, s.role));
    const held = await stillWindow(clip[120], await digitalZoom(clip[120], 1.35));
    const a = extractFeatures(recorded);
    const b = extractFeatures(held);
    console.log(`fellway: passive spread ${a.alignedSpread.toFixed(3)}, approach pair ${a.alignedApproach.toFixed(3)}, backdrop ${a.backdrop.toFixed(3)}, blink ${a.features.blink?.toFixed(3)}; held and zoomed: blink ${b.features.blink?.toFixed(3)}, spread ${b.alignedSpread.toFixed(3)}`);
    expect(a.approach && b.approach).toBe(true);
    expect(a.features.blink).toBeGreaterThanOrEqual(FROZEN_BLINK);
    expect(frozenScene(a)).toBe(false);
    // nothing else lifts the veto here: the person holds still and the face leaves no backdrop ring
    expect(Number.isNaN(a.backdrop)).toBe(true);
    expect(frozenScene({ ...a, features: {} })).toBe(true);
    expect(b.features.blink).toBeLessThan(FROZEN_BLINK);
    expect(frozenScene(b)).toBe(true);
  }, 120_000);
});

describe('backdrop parallax (vision/pad/backdrop.ts)', () => {
  it('the room stays behind a person who comes closer; a zoomed still and a print bring their background with the face', async () => {
    const far = await pad(porch, 2700, 'far');
    const person = await pad(approachWarp(porch, far.landmarks!, { gain: 1.35 }), 3500, 'near');
    const zoomed = await pad(await digitalZoom(porch, 1.35), 3500, 'near');
    const print = printAttack(porch, 7);
    const pf = await pad(print.find((f) => f.role === 'far')!.image, 2700, 'far');
    const pn = await pad(print.find((f) => f.role === 'near')!.image, 3500, 'near');
    const of = (a: PadFrame, b: PadFrame) => backdropParallax(a.image, a.landmarks!.points, b.image, b.landmarks!.points);
    const p = of(far, person);
    const z = of(far, zoomed);
    const q = of(pf, pn);
    console.log(`backdrop parallax: person ${p.parallax.toFixed(3)} (${p.samples} samples), zoomed still ${z.parallax.toFixed(3)}, print ${q.parallax.toFixed(3)}`);
    expect(p.parallax).toBeGreaterThan(0.1);
    expect(z.parallax).toBeLessThan(-0.1);
    expect(q.parallax).toBeLessThan(p.parallax - 0.2);
  }, 60_000);
});
