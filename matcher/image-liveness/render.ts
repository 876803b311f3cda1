/**
 * The two pictures of the single-image pre-analysis: the person cut out (PNG, alpha from the
 * segmentation mask) and the input with each detected face boxed and numbered (JPEG).
 */
import sharp from 'sharp';
import type { Box, ImageInput } from '../../vision/types.ts';
import type { PersonMask } from '../../vision/segment.ts';

const rawOf = (img: ImageInput) => ({ raw: { width: img.width, height: img.height, channels: img.channels as 3 } });

/**
 * RGBA PNG: the mask (resized smoothly to the image) as alpha. Where alpha is 0 the colour is 0
 * too: the background is removed from the file, not only hidden (a viewer that drops alpha would
 * otherwise show it), and the long runs of zeros make the PNG smaller and faster to encode.
 */
export function backgroundRemoved(img: ImageInput, mask: PersonMask): Promise<Uint8Array> {
  // the RGBA pixels are made here, synchronously (a few ms); only the PNG encoding is handed to
  // sharp's threads, so it runs while the caller goes on (the COCO detector)
  const rgba = cutOut(img, mask);
  return sharp(rgba, { raw: { width: img.width, height: img.height, channels: 4 } }).png().toBuffer().then((png) => new Uint8Array(png));
}

/** RGBA of `img` with the mask, bilinearly resized to the image, as alpha; colour 0 where alpha is 0. */
export function cutOut(img: ImageInput, mask: PersonMask): Buffer {
  const { width: w, height: h, channels: c } = img;
  const S = mask.size;
  const rgba = Buffer.alloc(w * h * 4); // zero-filled: a transparent pixel stays 0,0,0,0
  for (let y = 0; y < h; y++) {
    const my = Math.min(S - 1, Math.max(0, ((y + 0.5) * S) / h - 0.5));
    const y0 = Math.floor(my);
    const y1 = Math.min(S - 1, y0 + 1);
    const fy = my - y0;
    for (let x = 0; x < w; x++) {
      const mx = Math.min(S - 1, Math.max(0, ((x + 0.5) * S) / w - 0.5));
      const x0 = Math.floor(mx);
      const x1 = Math.min(S - 1, x0 + 1);
      const fx = mx - x0;
      const m = (mask.data[y0 * S + x0] * (1 - fx) + mask.data[y0 * S + x1] * fx) * (1 - fy) + (mask.data[y1 * S + x0] * (1 - fx) + mask.data[y1 * S + x1] * fx) * fy;
      const a = Math.round(255 * Math.min(1, Math.max(0, m)));
      if (a === 0) continue;
      const i = y * w + x;
      rgba[i * 4] = img.data[i * c];
      rgba[i * 4 + 1] = img.data[i * c + 1];
      rgba[i * 4 + 2] = img.data[i * c + 2];
      rgba[i * 4 + 3] = a;
    }
  }
  return rgba;
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
