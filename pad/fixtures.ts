/**
 * Fixture access for PAD training and tests (Node only): decode clips with ffmpeg and stills with
 * sharp into ImageInput, and round-trip frames through JPEG as evidence frames are on the wire.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { ImageInput } from '../vision/types.ts';

/** ../shared/fixtures relative to the repo root (override with PAD_FIXTURES). */
export const FIXTURES = process.env.PAD_FIXTURES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures');

export interface ManifestItem {
  path: string;
  kind: 'image' | 'video';
  label: string;
  identity?: string;
}

export function readManifest(dir = FIXTURES): ManifestItem[] {
  const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { items: ManifestItem[] };
  return m.items;
}

/** Decodes every `step`-th frame of a clip (25 fps) as RGB, starting at frame `from`, at most `max` frames. */
export async function decodeClip(file: string, o: { step?: number; from?: number; max?: number } = {}): Promise<ImageInput[]> {
  const step = o.step ?? 1;
  const from = o.from ?? 0;
  const max = o.max ?? 10_000;
  const probe = await run('/usr/bin/ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
  const [width, height] = probe.toString().trim().split(',').map(Number);
  const raw = await run('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const size = width * height * 3;
  const frames: ImageInput[] = [];
  for (let i = from; (i + 1) * size <= raw.length && frames.length < max; i += step) {
    frames.push({ data: new Uint8Array(raw.buffer, raw.byteOffset + i * size, size), width, height, channels: 3 });
  }
  return frames;
}

/** Decodes a still as RGB without honouring EXIF orientation (the fixture pixels are upright). */
export async function decodeImage(file: string): Promise<ImageInput> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

/** JPEG round trip (evidence frames travel as JPEG). */
export async function jpegRoundTrip(img: ImageInput, quality = 88): Promise<ImageInput> {
  const jpg = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } })
    .jpeg({ quality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return decodeImage(jpg as unknown as string);
}

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(0, 300)}`))));
  });
}
