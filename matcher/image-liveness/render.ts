/**
 * The two pictures of the single-image pre-analysis: the person cut out (PNG, alpha from the
 * segmentation mask) and the input with each detected face boxed and numbered (JPEG).
 */
import sharp from 'sharp';
import type { Box, ImageInput } from '../../vision/types.ts';
import type { PersonMask } from '../../vision/segment.ts';

/**
 * zlib level of the cut-out PNG: on the bench photo 3 writes 379 KB in 12 ms, the default 6 376 KB
 * in 16 ms, 1 485 KB in 7 ms (the encoder shares 2 cores with the COCO detector)
 */
const PNG_LEVEL = 3;

/**
 * RGBA PNG: the mask (resized smoothly to the image) as alpha. Where alpha is 0 the colour is 0
 * too: the background is removed from the file, not only hidden (a viewer that drops alpha would
 * otherwise show it), and the long runs of zeros make the PNG smaller and faster to encode.
 */
export function backgroundRemoved(img: ImageInput, mask: PersonMask): Promise<Uint8Array> {
  // the RGBA pixels are made here, synchronously (a few ms); only the PNG encoding is handed to
  // sharp's threads, so it runs while the caller goes on (the COCO detector)
  const rgba = cutOut(img, mask);
  return sharp(rgba, { raw: { width: img.width, height: img.height, channels: 4 } }).png({ compressionLevel: PNG_LEVEL }).toBuffer().then((png) => new Uint8Array(png));
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

const BOX_RGB = [0x00, 0xe6, 0x76] as const;

/** The input's RGB with each box's outline drawn `stroke` pixels wide, centred on its edges, clipped to the frame. */
export function drawBoxes(img: ImageInput, boxes: readonly Box[], stroke: number): Buffer {
  const { width: w, height: h, channels: c } = img;
  const rgb = Buffer.alloc(w * h * 3);
  if (c === 3) rgb.set(img.data.subarray(0, w * h * 3));
  else for (let i = 0; i < w * h; i++) { rgb[i * 3] = img.data[i * c]; rgb[i * 3 + 1] = img.data[i * c + 1]; rgb[i * 3 + 2] = img.data[i * c + 2]; }
  const fill = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = Math.max(0, y0); y < Math.min(h, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(w, x1); x++) rgb.set(BOX_RGB, (y * w + x) * 3);
    }
  };
  // centred on the box's edges, as an SVG stroke is
  const lo = Math.floor(stroke / 2), hi = stroke - lo;
  for (const b of boxes) {
    const x = Math.round(b.x), y = Math.round(b.y), x1 = x + Math.round(b.w), y1 = y + Math.round(b.h);
    fill(x - lo, y - lo, x1 + hi, y + hi); // top
    fill(x - lo, y1 - lo, x1 + hi, y1 + hi); // bottom
    fill(x - lo, y - lo, x + hi, y1 + hi); // left
    fill(x1 - lo, y - lo, x1 + hi, y1 + hi); // right
  }
  return rgb;
}

/**
 * JPEG of the input with each face boxed and numbered (1 = first detection). The outlines are drawn
 * here; only each number is rendered as a small SVG (a full-frame SVG overlay cost ~10 ms more of
 * CPU, taken from the COCO detector running beside it on a 2-core machine).
 */
export async function facesImage(img: ImageInput, boxes: readonly Box[]): Promise<Uint8Array> {
  const stroke = Math.max(2, Math.round(Math.min(img.width, img.height) / 160));
  const font = Math.max(14, Math.round(Math.min(img.width, img.height) / 20));
  const labels = boxes.map((b, i) => {
    const text = String(i + 1);
    const lw = Math.min(img.width, Math.ceil(font * 0.7 * text.length) + 4), lh = Math.min(img.height, Math.ceil(font * 1.25));
    const left = Math.min(Math.max(0, Math.round(b.x)), img.width - lw);
    const top = Math.min(Math.max(0, Math.round(b.y) - stroke * 2 - font), img.height - lh);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${lw}" height="${lh}"><text x="1" y="${font}" font-family="sans-serif" font-size="${font}" font-weight="bold" fill="#00e676" stroke="#000" stroke-width="1">${text}</text></svg>`;
    return { input: Buffer.from(svg), top, left };
  });
  const jpg = await sharp(drawBoxes(img, boxes, stroke), { raw: { width: img.width, height: img.height, channels: 3 } })
    .composite(labels)
    .jpeg({ quality: 85 })
    .toBuffer();
  return new Uint8Array(jpg);
}
