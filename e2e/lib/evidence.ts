/**
 * Evidence frames for end-to-end attack tests without a browser: a bona fide window of a live
 * fixture clip in the element's evidence schedule (pad/recipes, the near frame the person coming
 * 1.25–1.45× closer: pad/recipes/approach.ts), as JPEG bytes with roles and times, and still
 * photos scaled into a frame.
 */
import sharp from 'sharp';
import type { EvidenceRole } from '../../protocol/index.ts';
import type { ImageInput } from '../../vision/types.ts';
import { decodeClip } from '../../pad/fixtures.ts';
import { bonaFideWindow, physicalApproach } from '../../pad/recipes/index.ts';
import { createNodeLandmarker, type NodeLandmarker } from '../../pad/landmarks.ts';

export interface EvidenceSet {
  frames: Uint8Array[];
  roles: EvidenceRole[];
  t: number[];
}

export async function jpegOf(img: ImageInput, quality = 88): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels as 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(buf);
}

const clips = new Map<string, Promise<ImageInput[]>>();
let landmarker: Promise<NodeLandmarker> | undefined;

/**
 * The window of `clip` (a fixture video path) starting at frame `start`. Short clips play back
 * and forth, so two windows can share a source frame: each JPEG carries a random comment segment,
 * as a real camera's sensor noise makes two captures' bytes differ (the verifier refuses a frame
 * it has seen before).
 */
export async function liveWindow(clip: string, start: number, seed = start + 1): Promise<EvidenceSet> {
  let frames = clips.get(clip);
  if (!frames) clips.set(clip, (frames = decodeClip(clip)));
  landmarker ??= createNodeLandmarker();
  const lm = await landmarker;
  const w = await bonaFideWindow(await frames, start, seed, physicalApproach((img) => lm.landmarks(img)));
  const jpegs = await Promise.all(w.map((f) => jpegOf(f.image)));
  return { frames: jpegs.map((j) => withComment(j, crypto.randomUUID())), roles: w.map((f) => f.role as EvidenceRole), t: w.map((f) => Math.round(f.t)) };
}

/** A copy of a JPEG with a COM segment after SOI: the same picture, other bytes. */
export function withComment(jpeg: Uint8Array, text: string): Uint8Array {
  const t = new TextEncoder().encode(text.slice(0, 200));
  const seg = new Uint8Array([0xff, 0xfe, 0, t.length + 2, ...t]);
  return new Uint8Array([...jpeg.subarray(0, 2), ...seg, ...jpeg.subarray(2)]);
}

/** A still photo (e.g. a public photo of a victim) scaled to fill a 480×480 frame, as JPEG. */
export async function photoFrame(file: string, size = 480): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).resize(size, size, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer());
}
