import { describe, expect, it } from 'vitest';
import { chromaStats } from './chroma.ts';
import { powerSpectrum } from './fft.ts';
import { frozenStats, thumbnail } from './frozen-frames.ts';
import { glareFraction, ovalMask } from './glare.ts';
import { FACE_OVAL } from './mesh-indices.ts';
import { cropArea, landmarkBox } from './image-ops.ts';
import { moirePeakiness } from './moire.ts';
import { highFreqRatio, laplacianSharpness } from './sharpness.ts';
import { skin, synth } from './test-images.ts';

const face = synth(128, 128, skin);
const gray = (img: ReturnType<typeof synth>) => cropArea(img, { x: 0, y: 0, w: img.width, h: img.height }, 128, true);

describe('fft', () => {
  it('puts a pure grating at its frequency', () => {
    const n = 64;
    const g = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) g[y * n + x] = Math.cos((2 * Math.PI * 8 * x) / n);
    const p = powerSpectrum(g, n);
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
    expect([8, n - 8]).toContain(best % n);
    expect(Math.floor(best / n)).toBe(0);
  });
  it('rejects non power-of-two sizes', () => {
    expect(() => powerSpectrum(new Float64Array(36), 6)).toThrow(RangeError);
  });
});

describe('moirePeakiness', () => {
  it('a screen-like grating over the face raises the peak ratio', () => {
    const moire = synth(128, 128, (x, y) => skin(x, y).map((v) => v + 25 * Math.sin(2 * Math.PI * (0.21 * x + 0.07 * y))) as [number, number, number]);
    expect(moirePeakiness(gray(moire), 128)).toBeGreaterThan(moirePeakiness(gray(face), 128) + 0.5);
  });
});

describe('sharpness', () => {
  it('blur lowers the high-frequency ratio and the Laplacian energy', () => {
    const g = gray(face);
    const b = new Float32Array(g.length);
    for (let y = 0; y < 128; y++)
      for (let x = 0; x < 128; x++) {
        let s = 0;
        let c = 0;
        for (let dy = -2; dy <= 2; dy++)
          for (let dx = -2; dx <= 2; dx++) {
            const yy = Math.min(127, Math.max(0, y + dy));
            const xx = Math.min(127, Math.max(0, x + dx));
            s += g[yy * 128 + xx];
            c++;
          }
        b[y * 128 + x] = s / c;
      }
    expect(highFreqRatio(b, 128)).toBeLessThan(highFreqRatio(g, 128) - 0.5);
    expect(laplacianSharpness(b, 128)).toBeLessThan(laplacianSharpness(g, 128));
  });
});

describe('glareFraction', () => {
  it('counts a large clipped colourless patch, not skin', () => {
    const glare = synth(64, 64, (x, y) => ((x - 40) ** 2 + (y - 20) ** 2 < 200 ? [250, 250, 250] : skin(x, y)));
    const crop = (img: ReturnType<typeof synth>) => cropArea(img, { x: 0, y: 0, w: 64, h: 64 }, 64, false);
    expect(glareFraction(crop(glare), 64)).toBeGreaterThan(0.1);
    expect(glareFraction(crop(synth(64, 64, skin)), 64)).toBe(0);
  });

  it('inside the face oval only: a white wall beside the face is not glare, a patch on the face is', () => {
    // the face oval: an ellipse centred in a 64×64 crop, 36 px wide and 52 px tall
    const points = new Float32Array(468 * 3);
    FACE_OVAL.forEach((idx, k) => {
      const a = (2 * Math.PI * k) / FACE_OVAL.length;
      points[idx * 3] = 32 + 18 * Math.sin(a);
      points[idx * 3 + 1] = 32 - 26 * Math.cos(a);
    });
    const box = { x: 0, y: 0, w: 64, h: 64 };
    const mask = ovalMask(points, box, 64);
    const inOval = (x: number, y: number) => ((x - 32) / 18) ** 2 + ((y - 32) / 26) ** 2 < 1;
    const wall = synth(64, 64, (x, y) => (inOval(x, y) ? skin(x, y) : [245, 245, 242]));
    const onFace = synth(64, 64, (x, y) => ((x - 36) ** 2 + (y - 26) ** 2 < 120 ? [252, 252, 252] : inOval(x, y) ? skin(x, y) : [90, 80, 70]));
    const crop = (img: ReturnType<typeof synth>) => cropArea(img, box, 64, false);
    expect(glareFraction(crop(wall), 64)).toBeGreaterThan(0.3);
    expect(glareFraction(crop(wall), 64, 235, mask)).toBeLessThan(0.05);
    expect(glareFraction(crop(onFace), 64, 235, mask)).toBeGreaterThan(0.15);
  });
});

describe('chromaStats', () => {
  it('desaturation lowers chroma; a posterised tone curve raises banding', () => {
    const box = { x: 0, y: 0, w: 128, h: 128 };
    const c = chromaStats(face, box);
    const grey = chromaStats(synth(128, 128, (x, y) => { const [r, g, b] = skin(x, y); const l = (r + g + b) / 3; return [l, l, l]; }), box);
    expect(grey.chroma).toBeLessThan(c.chroma / 3);
    // a steep tone curve on grey skin: every other 8-bit level is skipped
    const post = chromaStats(synth(128, 128, (x, y) => { const v = Math.round(skin(x, y)[1] * 0.5) * 2 - 40; return [v, v, v]; }), box);
    expect(post.banding).toBeGreaterThan(c.banding + 0.3);
    expect(chromaStats(face, { x: 500, y: 500, w: 10, h: 10 }).chroma).toBeNaN();
  });
});

describe('frozenStats', () => {
  it('a still fed as the camera has ~0 motion; a moving scene does not', () => {
    const still = Array.from({ length: 5 }, () => thumbnail(face));
    expect(frozenStats(still).motion).toBe(0);
    const moving = [0, 9, 18, 27, 36].map((d) => thumbnail(synth(128, 128, (x, y) => skin(x + d, y))));
    expect(frozenStats(moving).motion).toBeGreaterThan(1);
  });
  it('flags a loop: frames that come back', () => {
    const a = thumbnail(synth(128, 128, (x, y) => skin(x, y)));
    const b = thumbnail(synth(128, 128, (x, y) => skin(x + 20, y)));
    expect(frozenStats([a, b, a, b, a]).repeats).toBeGreaterThan(0.6);
    expect(frozenStats([a, b, thumbnail(synth(128, 128, (x, y) => skin(x + 40, y)))]).repeats).toBe(0);
    expect(frozenStats([a]).motion).toBeNaN();
  });
});

describe('landmarkBox', () => {
  it('is a square around the points', () => {
    const b = landmarkBox(new Float32Array([10, 20, 0, 50, 40, 0]), 1);
    expect(b).toEqual({ x: 10, y: 10, w: 40, h: 40 });
  });
});
