import { describe, expect, it } from 'vitest';
import { applyAffine, estimateSimilarity, invertAffine, warpAffine } from './affine.ts';
import { ALIGN_MESH_POINTS, alignChip, DLIB_MEAN_FACE } from './align.ts';

describe('similarity warp', () => {
  it('recovers a known rotation + scale + shift', () => {
    const a = 0.3, k = 1.7;
    const src: [number, number][] = [[0, 0], [10, 0], [0, 10], [7, 3]];
    const dst = src.map(([x, y]) => [k * (Math.cos(a) * x - Math.sin(a) * y) + 5, k * (Math.sin(a) * x + Math.cos(a) * y) - 2] as [number, number]);
    const m = estimateSimilarity(src, dst);
    src.forEach((p, i) => { const [x, y] = applyAffine(m, ...p); expect(x).toBeCloseTo(dst[i][0], 6); expect(y).toBeCloseTo(dst[i][1], 6); });
    const inv = invertAffine(m);
    const [x, y] = applyAffine(inv, ...dst[3]);
    expect(x).toBeCloseTo(7, 6); expect(y).toBeCloseTo(3, 6);
  });

  it('warps pixels bilinearly (identity copies, outside is black)', () => {
    const img = { data: Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i), width: 4, height: 4, channels: 3 as const };
    expect(Array.from(warpAffine(img, [1, 0, 0, 0, 1, 0], 4, 4).data)).toEqual(Array.from(img.data));
    expect(Array.from(warpAffine(img, [1, 0, 100, 0, 1, 0], 2, 2).data)).toEqual(Array(12).fill(0));
  });

  it('puts the five mesh points on dlib\'s mean face in the 150 px chip', () => {
    const points = new Float32Array(1404);
    // a face whose landmarks already sit at the chip positions ×2 (so the warp halves)
    const pos = DLIB_MEAN_FACE.map(([x, y]) => [((x + 0.25) / 1.5) * 300, ((y + 0.25) / 1.5) * 300]);
    ALIGN_MESH_POINTS.forEach((i, j) => { points[3 * i] = pos[j][0]; points[3 * i + 1] = pos[j][1]; });
    const img = { data: new Uint8Array(300 * 300 * 3).fill(200), width: 300, height: 300, channels: 3 as const };
    const chip = alignChip(img, { points, score: 1 });
    expect(chip.width).toBe(150);
    expect(chip.data[(75 * 150 + 75) * 3]).toBe(200);
  });
});
