import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { phoneInFrameAttack, printAttack, screenAttack, stillCameraAttack, videoReplayAttack, SCHEDULE, CANVAS, handPose, type RecipeFrame } from './recipes/index.ts';
import { skin, synth } from '../vision/pad/test-images.ts';

const photo = synth(200, 240, skin);
const hash = (fr: RecipeFrame[]) => createHash('sha1').update(Buffer.concat(fr.map((x) => Buffer.from(x.image.data)))).digest('hex');

describe('attack recipes', () => {
  it('follow the evidence schedule on a 480×480 canvas and are deterministic in their seed', () => {
    for (const make of [printAttack, screenAttack, phoneInFrameAttack, stillCameraAttack]) {
      const a = make(photo, 5);
      expect(a.map((x) => [x.t, x.role])).toEqual(SCHEDULE.map((s) => [s.t, s.role]));
      expect(a.every((x) => x.image.width === CANVAS && x.image.height === CANVAS)).toBe(true);
      expect(hash(make(photo, 5))).toBe(hash(a));
      expect(hash(make(photo, 6))).not.toBe(hash(a));
    }
  });
  it('the approach step is a global scale-up of the same planar object', () => {
    const tex = { width: 300, height: 300 };
    const r = () => 0.25; // gauss(r) = 0: no jitter
    const far = handPose(tex, 8, r, { fill: 0.8, approachGain: 1.3 });
    const near = handPose(tex, 9, r, { fill: 0.8, approachGain: 1.3 });
    expect(near[0] / far[0]).toBeCloseTo(1.3, 3);
  });
  it('print: desaturated sheet with a light paper border inside the frame', () => {
    const [f] = printAttack(photo, 1);
    const d = f.image.data;
    let sat = 0;
    let bright = 0;
    for (let i = 0; i < d.length; i += 3) {
      sat += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
      if (d[i] > 220 && d[i + 1] > 220 && d[i + 2] > 210) bright++;
    }
    const src = photo.data;
    let srcSat = 0;
    for (let i = 0; i < src.length; i += 3) srcSat += Math.max(src[i], src[i + 1], src[i + 2]) - Math.min(src[i], src[i + 1], src[i + 2]);
    expect(sat / (d.length / 3)).toBeLessThan(srcSat / (src.length / 3));
    expect(bright).toBeGreaterThan(2000);
  });
  it('still camera: identical passive frames without noise, and a zoomed near frame', () => {
    const fr = stillCameraAttack(photo, 2); // seed 2 draws the noiseless variant
    const seq = fr.filter((x) => x.role === 'seq' || x.role === 'best').map((x) => Buffer.from(x.image.data).toString('base64'));
    const noisy = new Set(seq).size > 1;
    if (!noisy) expect(new Set(seq).size).toBe(1);
    expect(Buffer.compare(Buffer.from(fr[9].image.data), Buffer.from(fr[8].image.data))).not.toBe(0);
  });
  it('video replay shows the clip frame matching each timestamp', () => {
    const clip = [0, 1, 2, 3].map((k) => synth(120, 120, (x, y) => skin(x + 10 * k, y)));
    const a = videoReplayAttack(clip, 3);
    expect(Buffer.compare(Buffer.from(a[0].image.data), Buffer.from(a[1].image.data))).not.toBe(0);
  });
});
