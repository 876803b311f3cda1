import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { DEFAULT_CONFIG, resolveConfig } from '../config.ts';
import { distanceCheck, estimateDistanceCm, focalPx } from './distance.ts';
import type { FaceGeometry } from './geometry.ts';

const frame = (clip: string): T.Rgb => T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];

describe('distance check', () => {
  it.each(['d0', 'd3', 'd10', 'd11', 'd14', 'd18', 'd19', 'd20'])('%s: original passes, scaled to 25% → TOO_FAR', async (clip) => {
    const img = frame(clip);
    const r = await (await T.analyzer()).analyze(img, 0, { heavy: true });
    expect(r.checks.distance).toMatchObject({ pass: true });
    const f = await (await T.analyzer()).analyze(await T.far(img, 0.25), 0, { heavy: true });
    expect(f.checks.distance).toMatchObject({ pass: false, code: 'TOO_FAR' });
    expect(f.checks.distance.value).toBeGreaterThan(r.checks.distance.value * 3);
  });

  it.each(['d0', 'd3', 'd10', 'd11', 'd14', 'd18'])('%s: centre 55% cropped up → TOO_CLOSE', async (clip) => {
    const r = await (await T.analyzer()).analyze(await T.near(frame(clip), 0.55), 0, { heavy: true });
    expect(r.checks.distance).toMatchObject({ pass: false, code: 'TOO_CLOSE' });
  });

  it('pinhole maths and the device-class table', () => {
    expect(focalPx(480, 60)).toBeCloseTo(240 / Math.tan(Math.PI / 6), 6);
    const g = { faceWidthPx: 200 } as FaceGeometry;
    const d = DEFAULT_CONFIG.distance;
    expect(estimateDistanceCm(g, 480, d)).toBeCloseTo((14.5 * focalPx(480, 60)) / 200, 6);
    // a wider lens sees the same face smaller: the same pixels mean closer
    const phone = resolveConfig({ distance: { deviceClass: 'phone' } }).distance;
    expect(estimateDistanceCm(g, 480, phone)).toBeLessThan(estimateDistanceCm(g, 480, d));
    const corrected = resolveConfig({ distance: { devices: { desktop: { hfovDeg: 60, correction: 1.2 } } } }).distance;
    expect(estimateDistanceCm(g, 480, corrected)).toBeCloseTo(1.2 * estimateDistanceCm(g, 480, d), 6);
    expect(distanceCheck(null, 480, d)).toMatchObject({ pass: false, code: 'TOO_FAR' });
  });

  it('a phone held upright: the focal length comes from the long side, so 480×640 reads as 640×480 does', async () => {
    // d3 (480×480) padded to a landscape and to a portrait frame: the same face, the same pixels
    const img = frame('d3');
    const pad = (w: number, h: number): T.Rgb => {
      const out = new Uint8Array(w * h * 3).fill(128);
      const ox = (w - img.width) >> 1;
      const oy = (h - img.height) >> 1;
      for (let y = 0; y < img.height; y++) out.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + oy) * w + ox) * 3);
      return { data: out, width: w, height: h, channels: 3 };
    };
    const landscape = await (await T.analyzer()).analyze(pad(640, 480), 0, { heavy: false });
    const portrait = await (await T.analyzer()).analyze(pad(480, 640), 0, { heavy: false });
    expect(Math.abs(portrait.geometry!.faceWidthPx - landscape.geometry!.faceWidthPx)).toBeLessThan(3);
    // measured with the portrait frame's width (480) it read 25 % closer
    expect(portrait.checks.distance.value / landscape.checks.distance.value).toBeGreaterThan(0.95);
    expect(portrait.checks.distance.value / landscape.checks.distance.value).toBeLessThan(1.05);
  });
});
