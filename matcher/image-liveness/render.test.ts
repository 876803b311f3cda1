import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { backgroundRemoved, cutOut, drawBoxes, facesImage } from './render.ts';

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

describe('the faces picture', () => {
  const grey = { data: new Uint8Array(20 * 10 * 3).fill(100), width: 20, height: 10, channels: 3 as const };
  it('outlines each box with its stroke centred on the edges, and leaves the rest of the image as it was', () => {
    // stroke 2: one pixel outside each edge, the edge's own pixel inside
    const rgb = drawBoxes(grey, [{ x: 3, y: 3, w: 8, h: 5 }, { x: 15, y: -3, w: 10, h: 8 }], 2);
    const px = (x: number, y: number) => [...rgb.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    const green = [0x00, 0xe6, 0x76];
    for (const [x, y] of [[2, 2], [3, 3], [11, 2], [10, 3], [2, 8], [7, 3], [3, 6], [11, 6]]) expect(px(x, y)).toEqual(green);
    for (const [x, y] of [[1, 1], [4, 4], [9, 6], [12, 9], [6, 9], [12, 5]]) expect(px(x, y)).toEqual([100, 100, 100]);
    // a box leaving the frame is clipped: its left side and bottom are drawn, nothing wraps around
    expect(px(15, 0)).toEqual(green);
    expect(px(16, 5)).toEqual(green);
    expect(px(16, 3)).toEqual([100, 100, 100]);
    expect(px(0, 1)).toEqual([100, 100, 100]);
    expect([...grey.data.subarray(0, 3)]).toEqual([100, 100, 100]); // the input is not drawn on
  });
  it('is a JPEG of the image size, labels included, even for a box at the corner', async () => {
    const img = { data: new Uint8Array(64 * 48 * 3).fill(90), width: 64, height: 48, channels: 3 as const };
    const m = await sharp(await facesImage(img, [{ x: 0, y: 0, w: 20, h: 20 }, { x: 50, y: 30, w: 14, h: 18 }])).metadata();
    expect([m.format, m.width, m.height]).toEqual(['jpeg', 64, 48]);
  });
});
