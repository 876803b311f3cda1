import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { backgroundRemoved, cutOut } from './render.ts';

// 8×4 RGB image, every pixel (10, 20, 30); a 2×2 mask: left column background, right column person
const img = { data: new Uint8Array(8 * 4 * 3).map((_, i) => [10, 20, 30][i % 3]), width: 8, height: 4, channels: 3 as const };
const mask = { data: new Float32Array([0, 1, 0, 1]), size: 2 };

describe('the background-removed picture', () => {
  it('takes its alpha from the mask stretched over the frame, and keeps no colour where alpha is 0', () => {
    const rgba = cutOut(img, mask);
    const px = (x: number, y: number) => [...rgba.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)];
    expect(px(0, 0)).toEqual([0, 0, 0, 0]);
    expect(px(1, 2)).toEqual([0, 0, 0, 0]);
    expect(px(7, 3)).toEqual([10, 20, 30, 255]);
    expect(px(6, 1)).toEqual([10, 20, 30, 255]);
    const edge = px(4, 0); // between the two mask columns: partly opaque, colour kept
    expect(edge[3]).toBeGreaterThan(0);
    expect(edge[3]).toBeLessThan(255);
    expect(edge.slice(0, 3)).toEqual([10, 20, 30]);
  });

  it('is an RGBA PNG of the image size', async () => {
    const m = await sharp(await backgroundRemoved(img, mask)).metadata();
    expect([m.format, m.width, m.height, m.channels, m.hasAlpha]).toEqual(['png', 8, 4, 4, true]);
  });
});
