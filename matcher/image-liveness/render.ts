/**
 * The two pictures of the single-image pre-analysis: the person cut out (PNG, alpha from the
 * segmentation mask) and the input with each detected face boxed and numbered (JPEG).
 */
import sharp from 'sharp';
import type { Box, ImageInput } from '../../vision/types.ts';
import type { PersonMask } from '../../vision/segment.ts';

const rawOf = (img: ImageInput) => ({ raw: { width: img.width, height: img.height, channels: img.channels as 3 } });

/** RGBA PNG: the mask (resized smoothly to the image) as alpha. */
export async function backgroundRemoved(img: ImageInput, mask: PersonMask): Promise<Uint8Array> {
  const m8 = Buffer.alloc(mask.size * mask.size);
  for (let i = 0; i < m8.length; i++) m8[i] = Math.round(255 * Math.min(1, Math.max(0, mask.data[i])));
  const alpha = await sharp(m8, { raw: { width: mask.size, height: mask.size, channels: 1 } }).resize(img.width, img.height, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  const png = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.width * img.height * img.channels), rawOf(img))
    .joinChannel(alpha, { raw: { width: img.width, height: img.height, channels: 1 } })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/** JPEG of the input with each face boxed and numbered (1 = first detection). */
export async function facesImage(img: ImageInput, boxes: readonly Box[]): Promise<Uint8Array> {
  const stroke = Math.max(2, Math.round(Math.min(img.width, img.height) / 160));
  const font = Math.max(14, Math.round(Math.min(img.width, img.height) / 20));
  const shapes = boxes.map((b, i) => {
    const x = Math.round(b.x), y = Math.round(b.y), w = Math.round(b.w), h = Math.round(b.h);
    const ty = Math.max(font, y - stroke * 2);
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#00e676" stroke-width="${stroke}"/>` +
      `<text x="${x}" y="${ty}" font-family="sans-serif" font-size="${font}" font-weight="bold" fill="#00e676" stroke="#000" stroke-width="1">${i + 1}</text>`;
  });
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${img.width}" height="${img.height}">${shapes.join('')}</svg>`);
  const jpg = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.width * img.height * img.channels), rawOf(img))
    .composite([{ input: svg, top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
  return new Uint8Array(jpg);
}
