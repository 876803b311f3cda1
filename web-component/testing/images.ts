/**
 * Node-only test support: decode fixtures (no EXIF auto-rotation: the spoof jpgs' pixels are
 * already upright), extract video frames with ffmpeg, synthesise variants with sharp, and run the
 * real detectors on the tfjs wasm backend.
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { FFMPEG } from '../../e2e/lib/system.ts';
import { fixture } from '../../e2e/lib/fixtures.ts';
import { initTf } from '../../vision/tf.ts';
import { nodeModelSource, NODE_WASM_PATHS } from '../../vision/load-node.ts';
import type { Box, ImageInput } from '../../vision/types.ts';
import { resolveConfig, type ConfigOverride } from '../config.ts';
import { FrameAnalyzer, loadDetectors, type Detectors } from '../pipeline/analyze.ts';

export { fixture };

export interface Rgb extends ImageInput {
  data: Uint8Array;
  channels: 3;
}

/** Raw RGB pixels of an encoded image (sharp never honours EXIF orientation unless asked). */
export async function decode(input: string | Buffer): Promise<Rgb> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

function sharpOf(img: Rgb): sharp.Sharp {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } });
}

async function raw(s: sharp.Sharp): Promise<Rgb> {
  return decode(await s.png().toBuffer());
}

/** `n` consecutive frames of a fixture clip from `startS` seconds, RGB. */
export function videoFrames(rel: string, startS: number, n: number): Rgb[] {
  const buf = execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-ss', String(startS), '-i', fixture(rel), '-frames:v', String(n), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 1 << 28,
  });
  const w = 480;
  const h = 480;
  const size = w * h * 3;
  const out: Rgb[] = [];
  for (let off = 0; off + size <= buf.length; off += size) out.push({ data: new Uint8Array(buf.buffer, buf.byteOffset + off, size), width: w, height: h, channels: 3 });
  return out;
}

/** Dim light: every channel multiplied by `k` (a darker room, not an offset). */
export const dim = (img: Rgb, k: number): Promise<Rgb> => raw(sharpOf(img).linear(k, 0));
/** Additive brightness shift like ffmpeg's eq=brightness=b (b in −1…1). */
export const brighten = (img: Rgb, b: number): Promise<Rgb> => raw(sharpOf(img).linear(1, b * 255));
/** Over-exposure: gain then offset, clipping highlights. */
export const overExpose = (img: Rgb): Promise<Rgb> => raw(sharpOf(img).linear(1.9, 60));

/** Far: scale down to `f` and pad back to the original size by repeating the edge pixels (a flat border reads as a screen to CenterNet). */
export async function far(img: Rgb, f: number): Promise<Rgb> {
  const w = Math.round(img.width * f);
  const h = Math.round(img.height * f);
  const small = await sharpOf(img).resize(w, h).png().toBuffer();
  const left = Math.floor((img.width - w) / 2);
  const top = Math.floor((img.height - h) / 2);
  return raw(
    sharp(small).extend({ left, top, right: img.width - w - left, bottom: img.height - h - top, extendWith: 'copy' }),
  );
}

/** Near: crop the central fraction `f` and scale it back up to the original size. */
export async function near(img: Rgb, f: number): Promise<Rgb> {
  const w = Math.round(img.width * f);
  const h = Math.round(img.height * f);
  return raw(sharpOf(img).extract({ left: Math.floor((img.width - w) / 2), top: Math.floor((img.height - h) / 2), width: w, height: h }).resize(img.width, img.height));
}

/** Paints opaque rectangles (e.g. over the eyes). */
export async function mask(img: Rgb, boxes: Box[], colour = 'black'): Promise<Rgb> {
  const rects = boxes.map((b) => `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${colour}"/>`).join('');
  const svg = `<svg width="${img.width}" height="${img.height}" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`;
  return raw(sharpOf(img).composite([{ input: Buffer.from(svg) }]));
}

/** Composites the tablet photo (spoof/screen/sfas-F2.jpg, a face on a tablet held up) `w` px wide at (x, y). */
export async function withTablet(img: Rgb, w: number, x: number, y: number): Promise<Rgb> {
  const tablet = await sharp(fixture('spoof/screen/sfas-F2.jpg')).resize(w).toBuffer();
  return raw(sharpOf(img).composite([{ input: tablet, left: x, top: y }]));
}

/** Back-lit: background blown up, the face region darkened (a window behind the person). */
export async function backlit(img: Rgb, face: Box): Promise<Rgb> {
  const bright = await raw(sharpOf(img).linear(1.2, 120));
  const x = Math.max(0, Math.round(face.x));
  const y = Math.max(0, Math.round(face.y));
  const w = Math.min(img.width - x, Math.round(face.w));
  const h = Math.min(img.height - y, Math.round(face.h));
  const faceDark = await sharpOf(img).extract({ left: x, top: y, width: w, height: h }).linear(0.8, -20).png().toBuffer();
  return raw(sharpOf(bright).composite([{ input: faceDark, left: x, top: y }]));
}

/** Small rigid move of a still (handheld photo): shift by (dx, dy) px and scale by s, same size out. */
export async function shiftScale(img: Rgb, dx: number, dy: number, s: number): Promise<Rgb> {
  const w = Math.round(img.width * s);
  const h = Math.round(img.height * s);
  const big = await sharpOf(img).resize(w, h).png().toBuffer();
  const left = Math.max(0, Math.min(w - img.width, Math.round((w - img.width) / 2 + dx)));
  const top = Math.max(0, Math.min(h - img.height, Math.round((h - img.height) / 2 + dy)));
  return raw(sharp(big).extract({ left, top, width: img.width, height: img.height }));
}

let detectors: Promise<Detectors> | undefined;
/** The real detectors on tfjs wasm, loaded once per test file. */
export function nodeDetectors(): Promise<Detectors> {
  detectors ??= initTf({ wasmPaths: NODE_WASM_PATHS }).then(() => loadDetectors(nodeModelSource()));
  return detectors;
}

/** A fresh analyzer (its own blink/motion history) over the shared detectors. */
export async function analyzer(override: ConfigOverride = {}): Promise<FrameAnalyzer> {
  return new FrameAnalyzer(await nodeDetectors(), resolveConfig(override));
}
