import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { DEFAULT_CONFIG } from '../config.ts';
import { BlinkTracker, EYE_PATCHES, eyesCheck } from './eyes.ts';
import type { FaceGeometry } from './geometry.ts';

const frame = (clip: string): T.Rgb => T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];

describe('eyes check', () => {
  it.each(['d0', 'd3', 'd10', 'd11', 'd12', 'd14', 'd19', 'd20'])('%s: open eyes pass; black rectangles over them → EYES_NOT_VISIBLE', async (clip) => {
    const img = frame(clip);
    const det = await T.nodeDetectors();
    const r = await (await T.analyzer()).analyze(img, 0);
    expect(r.checks.eyes).toMatchObject({ pass: true });
    const mesh = (await det.mesh.landmarks(img, r.detections[0]))!;
    const p = EYE_PATCHES(mesh);
    const masked = await (await T.analyzer()).analyze(await T.mask(img, [p.right, p.left]), 0);
    expect(masked.checks.eyes).toMatchObject({ pass: false, code: 'EYES_NOT_VISIBLE' });
    // one eye covered is enough to fail
    const one = await (await T.analyzer()).analyze(await T.mask(img, [p.left]), 0);
    expect(one.checks.eyes).toMatchObject({ pass: false, code: 'EYES_NOT_VISIBLE' });
  });

  it('real photos (spoof/real, deepface) pass', async () => {
    for (const f of ['spoof/real/sfas-T1.jpg', 'faces/deepface/img1.jpg']) {
      const r = await (await T.analyzer()).analyze(await T.decode(T.fixture(f)), 0);
      expect(r.checks.eyes.pass, f).toBe(true);
    }
  });

  it('pure rules: closed eyes, blink requirement, no face', () => {
    const c = DEFAULT_CONFIG.eyes;
    const g = { earRight: 0.3, earLeft: 0.3 } as FaceGeometry;
    const patches = { right: { mean: 100, std: 30 }, left: { mean: 100, std: 30 } };
    const base = { geometry: g, patches, faceLuma: 120, blinkSeen: false };
    expect(eyesCheck(base, c)).toEqual({ pass: true, value: 0.3 });
    expect(eyesCheck({ ...base, geometry: { ...g, earLeft: 0.05 } }, c).code).toBe('EYES_CLOSED');
    expect(eyesCheck(base, { ...c, requireBlink: true }).code).toBe('NO_BLINK');
    expect(eyesCheck({ ...base, blinkSeen: true }, { ...c, requireBlink: true }).pass).toBe(true);
    expect(eyesCheck({ ...base, patches: { ...patches, right: { mean: 20, std: 2 } } }, c).code).toBe('EYES_NOT_VISIBLE');
    expect(eyesCheck({ ...base, geometry: null }, c).code).toBe('EYES_NOT_VISIBLE');
  });

  it('blink tracker: a 120 ms dip counts, a 2 s closure does not', () => {
    const b = new BlinkTracker(DEFAULT_CONFIG.eyes);
    let t = 0;
    const feed = (ear: number, ms: number): void => {
      for (const end = t + ms; t < end; t += 40) b.update(ear, t);
    };
    feed(0.32, 1000);
    feed(0.08, 120);
    feed(0.32, 400);
    expect(b.count).toBe(1);
    feed(0.05, 2000);
    feed(0.32, 400);
    expect(b.count).toBe(1);
  });

  it('blinks are seen in a real clip (d3) over 1.6 s', async () => {
    const a = await T.analyzer();
    const frames = T.videoFrames('video/live/d3.mp4', 0.5, 40);
    for (let i = 0; i < frames.length; i++) await a.analyze(frames[i], i * 40);
    expect(a.blink.count).toBeGreaterThanOrEqual(1);
  });
});
