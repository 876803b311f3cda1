import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../pad/fixtures.ts';
import { readImageHeader } from './image-header.ts';

const read = (p: string) => new Uint8Array(readFileSync(path.join(FIXTURES, p)));

/** A SOF0 frame header claiming `w`×`h` after SOI and an APP0 segment; no pixel data at all. */
function craftedJpeg(w: number, h: number, sof = 0xc0): Uint8Array {
  return new Uint8Array([
    0xff, 0xd8,
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0xff, sof, 0x00, 0x11, 0x08, h >> 8, h & 255, w >> 8, w & 255, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    0xff, 0xd9,
  ]);
}

describe('readImageHeader', () => {
  it('reads the dimensions of real fixture JPEGs exactly as the decoder reports them', async () => {
    const files = [
      ...readdirSync(path.join(FIXTURES, 'faces/lfw')).slice(0, 20).map((d) => `faces/lfw/${d}/${readdirSync(path.join(FIXTURES, 'faces/lfw', d))[0]}`),
      ...readdirSync(path.join(FIXTURES, 'faces/deepface')).filter((f) => /\.jpe?g$/i.test(f)).map((f) => `faces/deepface/${f}`),
      'spoof/real/sfas-T1.jpg', 'spoof/screen/sfas-F2.jpg', 'spoof/print/sfas-F1.jpg',
    ];
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const bytes = read(f);
      const meta = await sharp(bytes).metadata();
      expect(readImageHeader(bytes), f).toEqual({ format: 'jpeg', width: meta.width, height: meta.height });
    }
  });

  it('reads progressive JPEGs (SOF2) and PNGs (IHDR)', async () => {
    const src = read('spoof/real/sfas-T1.jpg');
    const prog = new Uint8Array(await sharp(src).resize(321, 123, { fit: 'fill' }).jpeg({ progressive: true }).toBuffer());
    expect(readImageHeader(prog)).toEqual({ format: 'jpeg', width: 321, height: 123 });
    const png = new Uint8Array(await sharp(src).resize(77, 55, { fit: 'fill' }).png().toBuffer());
    expect(readImageHeader(png)).toEqual({ format: 'png', width: 77, height: 55 });
  });

  it('reports what a crafted header claims (8000×8000) without any pixel data', () => {
    expect(readImageHeader(craftedJpeg(8000, 8000))).toEqual({ format: 'jpeg', width: 8000, height: 8000 });
    expect(readImageHeader(craftedJpeg(65535, 65535, 0xc2))).toEqual({ format: 'jpeg', width: 65535, height: 65535 });
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 8000);
    new DataView(png.buffer).setUint32(20, 8000);
    expect(readImageHeader(png)).toEqual({ format: 'png', width: 8000, height: 8000 });
    new DataView(png.buffer).setUint32(16, 0x80000000);
    expect(readImageHeader(png)?.width).toBe(0x80000000);
  });

  it('skips segments (an EXIF thumbnail\'s own frame header is inside APP1) and fill bytes', () => {
    const base = craftedJpeg(640, 480);
    const thumb = craftedJpeg(160, 120).subarray(20, 39); // a SOF0 segment, hidden inside APP1
    const app1 = [0xff, 0xe1, 0x00, thumb.length + 2, ...thumb];
    const withApp1 = new Uint8Array([0xff, 0xd8, 0xff, 0xff, ...app1, ...base.subarray(2)]);
    expect(readImageHeader(withApp1)).toEqual({ format: 'jpeg', width: 640, height: 480 });
  });

  it.each([
    ['empty', []],
    ['not an image', [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]],
    ['SOI only', [0xff, 0xd8]],
    ['truncated before the frame header', [...craftedJpeg(640, 480).subarray(0, 22)]],
    ['truncated inside the frame header', [...craftedJpeg(640, 480).subarray(0, 26)]],
    ['scan data before any frame header', [0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6]],
    ['height 0 (deferred to DNL)', [...craftedJpeg(640, 0)]],
    ['a segment length under 2', [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xc0, 0, 0x11, 8, 0, 1, 0, 1]],
    ['a PNG cut after the signature', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]],
    ['a PNG whose first chunk is not IHDR', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x44, 0x41, 0x54, 0, 0, 1, 0, 0, 0, 1, 0]],
    ['a PNG of width 0', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 0, 0, 0, 1, 0]],
  ])('returns null for %s', (_name, bytes) => {
    expect(readImageHeader(new Uint8Array(bytes))).toBeNull();
  });
});
