import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { DEFAULT_CONFIG } from '../config.ts';
import { lightingCheck } from './lighting.ts';

const CLIPS = ['d0', 'd10', 'd11', 'd18', 'd19'];
const frame = (clip: string): T.Rgb => T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];

describe('lighting check on real frames and synthesized variants', () => {
  it.each(CLIPS)('%s: original passes, dimmed to a quarter → TOO_DARK, over-exposed → TOO_BRIGHT, back-lit → BACKLIT', async (clip) => {
    const img = frame(clip);
    const a = await T.analyzer();
    const orig = await a.analyze(img, 0);
    expect(orig.checks.lighting).toMatchObject({ pass: true });
    expect((await a.analyze(await T.dim(img, 0.25), 0)).checks.lighting).toMatchObject({ pass: false, code: 'TOO_DARK' });
    expect((await a.analyze(await T.overExpose(img), 0)).checks.lighting).toMatchObject({ pass: false, code: 'TOO_BRIGHT' });
    expect((await a.analyze(await T.backlit(img, orig.detections[0].box), 0)).checks.lighting).toMatchObject({ pass: false, code: 'BACKLIT' });
  });

  it('ffmpeg-style brightness offset (eq=brightness=-0.35) on d3 → TOO_DARK', async () => {
    const r = await (await T.analyzer()).analyze(await T.brighten(frame('d3'), -0.35), 0);
    expect(r.checks.lighting).toMatchObject({ pass: false, code: 'TOO_DARK' });
  });

  it('a dim room the matcher can still use is not refused: d18 at 45 % brightness (face luma ~56) passes', async () => {
    // the floor is the matcher's own underexposure bound (quality.ts, face-chip mean 50)
    const r = await (await T.analyzer()).analyze(await T.dim(frame('d18'), 0.45), 0);
    expect(r.checks.lighting.value).toBeGreaterThan(50);
    expect(r.checks.lighting.value).toBeLessThan(70);
    expect(r.checks.lighting).toMatchObject({ pass: true });
  });

  it('spoof/real photo passes', async () => {
    const r = await (await T.analyzer()).analyze(await T.decode(T.fixture('spoof/real/sfas-T1.jpg')), 0);
    expect(r.checks.lighting.pass).toBe(true);
  });

  it('pure rules: thresholds and precedence', () => {
    const c = DEFAULT_CONFIG.lighting;
    const s = { frameLuma: 120, faceLuma: 120, backgroundLuma: 120, faceClippedFrac: 0, faceCrushedFrac: 0 };
    expect(lightingCheck(s, c)).toEqual({ pass: true, value: 120 });
    expect(lightingCheck({ ...s, faceLuma: 40 }, c).code).toBe('TOO_DARK');
    expect(lightingCheck({ ...s, faceLuma: 55 }, c).pass).toBe(true);
    expect(lightingCheck({ ...s, faceLuma: 230 }, c).code).toBe('TOO_BRIGHT');
    expect(lightingCheck({ ...s, faceClippedFrac: 0.3 }, c).code).toBe('TOO_BRIGHT');
    expect(lightingCheck({ ...s, faceLuma: 60, backgroundLuma: 220 }, c).code).toBe('BACKLIT');
    // a dark room with a dim background is too dark, not back-lit
    expect(lightingCheck({ ...s, faceLuma: 20, backgroundLuma: 60 }, c).code).toBe('TOO_DARK');
  });
});
