import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as T from '../testing/images.ts';
import { DEFAULT_CONFIG } from '../config.ts';
import { faceCheck } from './face.ts';
import type { FaceGeometry } from './geometry.ts';

const frame = (clip: string): T.Rgb => T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];

describe('face check', () => {
  it.each(['d0', 'd3', 'd10', 'd11', 'd12', 'd14', 'd18', 'd19', 'd20'])('%s: one frontal face inside the guide', async (clip) => {
    const r = await (await T.analyzer()).analyze(frame(clip), 0);
    expect(r.faces).toBe(1);
    expect(r.checks.face).toMatchObject({ pass: true });
  });

  it('real photos pass (spoof/real, deepface, lfw)', async () => {
    for (const f of ['spoof/real/sfas-T1.jpg', 'faces/deepface/img1.jpg', 'faces/deepface/img10.jpg']) {
      const r = await (await T.analyzer()).analyze(await T.decode(T.fixture(f)), 0);
      expect(r.checks.face.pass, f).toBe(true);
    }
  });

  it('a second face (tablet composited) → FACE_MULTIPLE', async () => {
    const r = await (await T.analyzer()).analyze(await T.withTablet(frame('d3'), 160, 300, 260), 0);
    expect(r.checks.face).toMatchObject({ pass: false, code: 'FACE_MULTIPLE', value: 2 });
  });

  it('no face (blank wall) → FACE_NOT_FOUND', async () => {
    const blank = await T.decode(await sharp({ create: { width: 480, height: 480, channels: 3, background: { r: 200, g: 190, b: 170 } } }).png().toBuffer());
    const r = await (await T.analyzer()).analyze(blank, 0);
    expect(r.faces).toBe(0);
    expect(r.checks.face).toMatchObject({ pass: false, code: 'FACE_NOT_FOUND' });
  });

  it('face in a corner → FACE_OUTSIDE_GUIDE', async () => {
    const img = frame('d10');
    const small = await sharp(Buffer.from(img.data), { raw: { width: 480, height: 480, channels: 3 } }).resize(200, 200).png().toBuffer();
    const corner = await T.decode(await sharp(small).extend({ right: 280, bottom: 280, extendWith: 'copy' }).png().toBuffer());
    const r = await (await T.analyzer()).analyze(corner, 0);
    expect(r.checks.face).toMatchObject({ pass: false, code: 'FACE_OUTSIDE_GUIDE' });
  });

  it('the print attack photo held at an angle (spoof/print) → FACE_NOT_FRONTAL', async () => {
    const r = await (await T.analyzer()).analyze(await T.decode(T.fixture('spoof/print/sfas-F1.jpg')), 0);
    expect(r.checks.face).toMatchObject({ pass: false, code: 'FACE_NOT_FRONTAL' });
  });

  it('pure rules', () => {
    const c = DEFAULT_CONFIG.face;
    const g = { cx: 0.5, cy: 0.5, yawDeg: 5, pitchDeg: -3 } as FaceGeometry;
    expect(faceCheck(1, g, c)).toEqual({ pass: true, value: 5 });
    expect(faceCheck(0, null, c).code).toBe('FACE_NOT_FOUND');
    expect(faceCheck(3, g, c)).toEqual({ pass: false, value: 3, code: 'FACE_MULTIPLE' });
    expect(faceCheck(1, { ...g, cx: 0.95 }, c).code).toBe('FACE_OUTSIDE_GUIDE');
    expect(faceCheck(1, { ...g, yawDeg: 40 }, c).code).toBe('FACE_NOT_FRONTAL');
    expect(faceCheck(1, { ...g, pitchDeg: -40 }, c).code).toBe('FACE_NOT_FRONTAL');
  });
});
