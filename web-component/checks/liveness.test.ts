import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { DEFAULT_CONFIG } from '../config.ts';
import { livenessCheck, livenessScore } from './liveness.ts';

describe('liveness (guidance-level 0–100)', () => {
  it.each(['d3', 'd12'])('%s: 40 frames of a live clip → passes', async (clip) => {
    const a = await T.analyzer();
    const frames = T.videoFrames(`video/live/${clip}.mp4`, 0.5, 40);
    let last;
    for (let i = 0; i < frames.length; i++) last = await a.analyze(frames[i], i * 40);
    expect(last!.checks.liveness.pass).toBe(true);
    expect(last!.checks.liveness.value).toBeGreaterThanOrEqual(DEFAULT_CONFIG.liveness.minScore);
  });

  it.each(['spoof/print/sfas-F1.jpg', 'spoof/screen/sfas-F2.jpg'])('%s moved rigidly for 25 frames → FACE_NOT_LIVE', async (f) => {
    const img = await T.decode(T.fixture(f));
    const a = await T.analyzer();
    let last;
    for (let i = 0; i < 25; i++) last = await a.analyze(await T.shiftScale(img, 6 * Math.sin(i / 3), 4 * Math.cos(i / 4), 1.05 + 0.04 * Math.sin(i / 5)), i * 40);
    expect(last!.checks.liveness).toMatchObject({ pass: false, code: 'FACE_NOT_LIVE' });
    expect(last!.checks.liveness.value).toBeLessThan(25);
  });

  it('a single still frame has no temporal evidence → FACE_NOT_LIVE', async () => {
    const r = await (await T.analyzer()).analyze(await T.decode(T.fixture('spoof/real/sfas-T1.jpg')), 0);
    expect(r.checks.liveness).toMatchObject({ pass: false, code: 'FACE_NOT_LIVE' });
  });

  it('pure score: bounded, blink or motion alone reach the threshold, antispoof never does', () => {
    const c = DEFAULT_CONFIG.liveness;
    const base = { faceFound: true, motionSpread: 0, blinkSeen: false, antispoof: null };
    expect(livenessScore({ ...base, faceFound: false, blinkSeen: true }, c)).toBe(0);
    expect(livenessScore(base, c)).toBe(0);
    expect(livenessCheck({ ...base, blinkSeen: true }, c).pass).toBe(true);
    expect(livenessCheck({ ...base, motionSpread: 1 }, c).pass).toBe(true);
    expect(livenessScore({ ...base, motionSpread: 1, blinkSeen: true }, c)).toBe(100);
    expect(livenessCheck({ ...base, antispoof: 1 }, c)).toMatchObject({ pass: false, code: 'FACE_NOT_LIVE' });
  });
});
