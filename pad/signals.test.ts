/**
 * Every PAD signal on real fixture frames (a live clip) and on the synthesized attacks made from
 * the same clip, asserting the direction each signal must point. Landmarks come from vision/'s
 * detectors (tfjs wasm), once per run.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageInput } from '../vision/types.ts';
import { extractFeatures, type PadFrame } from '../vision/pad/features.ts';
import { padDecide, padFromFrames, padSignals } from '../vision/pad/evidence.ts';
import type { Features } from '../vision/pad/fusion.ts';
import { decodeClip, decodeImage, FIXTURES, jpegRoundTrip } from './fixtures.ts';
import { createNodeLandmarker, type NodeLandmarker } from './landmarks.ts';
import { bonaFideWindow, physicalApproach, printAttack, screenAttack, stillCameraAttack, phoneInFrameAttack, SCHEDULE, type RecipeFrame } from './recipes/index.ts';

let lm: NodeLandmarker;
const frames: Record<string, PadFrame[]> = {};
const f: Record<string, Features> = {};

async function toPad(seq: readonly { image: ImageInput; t: number; role: string }[]): Promise<PadFrame[]> {
  const out: PadFrame[] = [];
  for (const s of seq) {
    const image = await jpegRoundTrip(s.image);
    out.push({ image, landmarks: await lm.landmarks(image), t: s.t, role: s.role });
  }
  return out;
}

beforeAll(async () => {
  lm = await createNodeLandmarker();
  const clip = await decodeClip(path.join(FIXTURES, 'video/live/d3.mp4'), { max: 100 });
  // bona fide: the evidence schedule over the live clip, the person coming closer for the approach
  // step (pad/recipes/approach.ts); and the same clip with no approach at all
  const still = clip[40];
  frames.live = await toPad(await bonaFideWindow(clip, 0, 5, physicalApproach((img) => lm.landmarks(img))));
  const noApproach: RecipeFrame[] = SCHEDULE.map((s) => ({ image: { ...clip[Math.round(s.t / 40)], channels: 3 } as RecipeFrame['image'], t: s.t, role: s.role === 'near' || s.role === 'far' ? 'seq' : s.role }));
  frames.noApproach = await toPad(noApproach);
  frames.print = await toPad(printAttack(still, 11));
  frames.screen = await toPad(screenAttack(still, 12));
  frames.still = await toPad(stillCameraAttack(still, 13));
  frames.phone = await toPad(phoneInFrameAttack(still, 14));
  for (const [k, v] of Object.entries(frames)) f[k] = extractFeatures(v).features;
  console.table(f);
}, 300_000);

describe('signals on fixture frames vs synthesized attacks', () => {
  it('finds the face in every frame of the live clip and of the print/screen/still attacks', () => {
    for (const k of ['live', 'print', 'screen', 'still']) expect(frames[k].every((x) => x.landmarks)).toBe(true);
  });
  it('geometry: a live face is not explained by one homography; a print is', () => {
    expect(f.live.planar!).toBeGreaterThan(f.print.planar!);
    expect(f.live.planar!).toBeGreaterThan(f.screen.planar!);
    expect(f.live.planar!).toBeGreaterThan(f.still.planar!);
  });
  it('temporal: live lids/lips move beyond the head; a still fed as the camera does not move', () => {
    expect(f.live.nonrigid!).toBeGreaterThan(f.print.nonrigid!);
    expect(f.live.nonrigid!).toBeGreaterThan(f.still.nonrigid!);
    expect(f.live.motion!).toBeGreaterThan(f.still.motion! + 0.5);
    expect(f.live.blink!).toBeGreaterThan(f.still.blink!);
  });
  it('optics: screen re-capture shows moiré; print loses colour', () => {
    expect(f.screen.moire!).toBeGreaterThan(f.live.moire!);
    expect(f.print.chroma!).toBeLessThan(f.live.chroma!);
  });
  it('context: paper and bezel edges frame the face (a screen filling the view may hide its bezel)', () => {
    expect(f.phone.edges!).toBeGreaterThan(f.live.edges!);
    expect(f.print.edges!).toBeGreaterThan(f.live.edges!);
  });
  it('padFromFrames: scores the live capture above every attack, with reasons, in well under 2 s', () => {
    const live = padFromFrames(frames.live);
    expect(live.live).toBe(true);
    for (const k of ['print', 'screen', 'still']) {
      const r = padFromFrames(frames[k]);
      expect(r.liveness).toBeLessThan(live.liveness);
      expect(r.reasons.length).toBeGreaterThan(0);
    }
    // a generous floor (the time is measured by npm run bench and pad/train.ts: median ~80 ms);
    // a 300 ms bound failed at 387 ms while other tests ran beside this one on 2 cores
    const t0 = performance.now();
    padFromFrames(frames.screen);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it('a single photo is never live; the real screen photo grades below its bona fide twin (texture and context only)', async () => {
    const one = async (p: string) => {
      const image = await decodeImage(path.join(FIXTURES, p));
      return padFromFrames([{ image, landmarks: await lm.landmarks(image), t: 0, role: 'best' }], undefined, { requireApproach: false });
    };
    const real = await one('spoof/real/sfas-T1.jpg');
    const print = await one('spoof/print/sfas-F1.jpg');
    const screen = await one('spoof/screen/sfas-F2.jpg');
    // one photo cannot carry liveness: never live, PAD_SINGLE_FRAME; the grade still finds the screen
    for (const r of [real, print, screen]) {
      expect(r.live).toBe(false);
      expect(r.liveness).toBeLessThan(50);
      expect(r.reasons).toContain('PAD_SINGLE_FRAME');
    }
    expect(screen.liveness).toBeLessThan(real.liveness);
    expect(screen.reasons.length).toBeGreaterThan(1);
  });
  it('padFromFrames: no approach pair → not live; no face → liveness 0', () => {
    const r = padFromFrames(frames.noApproach);
    expect(r.live).toBe(false);
    expect(r.reasons).toContain('PAD_APPROACH_MISSING');
    const none = padFromFrames(frames.live.map((x) => ({ ...x, landmarks: null })));
    expect(none).toMatchObject({ liveness: 0, live: false });
    expect(none.reasons[0]).toBe('PAD_NO_FACE');
  });
  it('padSignals then padDecide (the detector answered in between) is padFromFrames, screen objects included', async () => {
    const phone = { score: 0.8, classId: 67, label: 'cell phone' };
    for (const k of ['live', 'screen']) {
      const box = { x: 0, y: 0, w: frames[k][0].image.width, h: frames[k][0].image.height };
      for (const objects of [undefined, [], [{ ...phone, box }]]) {
        expect(padDecide(padSignals(frames[k]), objects)).toEqual(padFromFrames(frames[k], objects));
      }
      // the phone over the face counts: the same signals with it decide lower
      expect(padDecide(padSignals(frames[k]), [{ ...phone, box }]).liveness).toBeLessThan(padDecide(padSignals(frames[k]), []).liveness);
    }
    const image = await decodeImage(path.join(FIXTURES, 'spoof/screen/sfas-F2.jpg'));
    const one = [{ image, landmarks: await lm.landmarks(image), t: 0, role: 'best' as const }];
    const o = { requireApproach: false, singleImage: true };
    expect(padDecide(padSignals(one, o), [], o)).toEqual(padFromFrames(one, [], o));
  });
});
