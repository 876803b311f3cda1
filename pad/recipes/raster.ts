/**
 * Raster helpers for the attack recipes: RGB images as plain arrays, projective warps with
 * bilinear sampling (no anti-aliasing, as a camera sampling a screen grid does not have one), and
 * simple pixel ops. Pure and deterministic.
 */
import type { ImageInput } from '../../vision/types.ts';
import { gauss, type Rng } from './rng.ts';

export type Rgb = ImageInput & { channels: 3 };

export function blank(width: number, height: number, fill: [number, number, number] = [0, 0, 0]): Rgb {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(fill, i);
  return { data, width, height, channels: 3 };
}

export function toRgb(img: ImageInput): Rgb {
  if (img.channels === 3) return { data: new Uint8Array(img.data), width: img.width, height: img.height, channels: 3 };
  const out = blank(img.width, img.height);
  for (let i = 0, j = 0; j < out.data.length; i += 4, j += 3) out.data.set([img.data[i], img.data[i + 1], img.data[i + 2]], j);
  return out;
}

/** 3×3 row-major matrix product. */
export function mul(a: number[], b: number[]): number[] {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
}

export function invert(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

/**
 * Draws `src` onto `dst` through the homography H (src pixel → dst pixel), bilinear, in place.
 * Only dst pixels whose pre-image falls inside src are written.
 */
export function warpOnto(dst: Rgb, src: Rgb, H: number[]): void {
  const Hi = invert(H);
  const { width: W, height: Hh } = dst;
  const sw = src.width;
  const sh = src.height;
  const s = src.data;
  for (let y = 0; y < Hh; y++)
    for (let x = 0; x < W; x++) {
      const w = Hi[6] * x + Hi[7] * y + Hi[8];
      const u = (Hi[0] * x + Hi[1] * y + Hi[2]) / w;
      const v = (Hi[3] * x + Hi[4] * y + Hi[5]) / w;
      if (u < 0 || v < 0 || u > sw - 1 || v > sh - 1) continue;
      const x0 = Math.min(sw - 2, Math.floor(u));
      const y0 = Math.min(sh - 2, Math.floor(v));
      const fx = u - x0;
      const fy = v - y0;
      const i00 = (y0 * sw + x0) * 3;
      const i10 = i00 + 3;
      const i01 = i00 + sw * 3;
      const i11 = i01 + 3;
      const o = (y * W + x) * 3;
      for (let c = 0; c < 3; c++)
        dst.data[o + c] = (s[i00 + c] * (1 - fx) + s[i10 + c] * fx) * (1 - fy) + (s[i01 + c] * (1 - fx) + s[i11 + c] * fx) * fy + 0.5;
    }
}

/** Per-pixel tone map in place: saturation factor, gamma, then linear contrast/offset. */
export function tone(img: Rgb, o: { saturation?: number; gamma?: number; gain?: number; offset?: number }): void {
  const sat = o.saturation ?? 1;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(255 * (v / 255) ** (o.gamma ?? 1) * (o.gain ?? 1) + (o.offset ?? 0))));
  const d = img.data;
  for (let i = 0; i < d.length; i += 3) {
    const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    for (let c = 0; c < 3; c++) d[i + c] = lut[Math.max(0, Math.min(255, Math.round(y + (d[i + c] - y) * sat)))];
  }
}

/** Adds zero-mean Gaussian noise of σ `sigma` in place. */
export function noise(img: Rgb, r: Rng, sigma: number): void {
  const d = img.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.max(0, Math.min(255, Math.round(d[i] + sigma * gauss(r))));
}

/** Separable box blur of radius `rad` (repeated `passes` times ≈ Gaussian), in place. */
export function boxBlur(img: Rgb, rad: number, passes = 2): void {
  if (rad <= 0) return;
  const { width: W, height: H, data } = img;
  const tmp = new Float32Array(data.length);
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -rad; k <= rad; k++) s += data[(y * W + Math.min(W - 1, Math.max(0, x + k))) * 3 + c];
          tmp[(y * W + x) * 3 + c] = s / (2 * rad + 1);
        }
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -rad; k <= rad; k++) s += tmp[(Math.min(H - 1, Math.max(0, y + k)) * W + x) * 3 + c];
          data[(y * W + x) * 3 + c] = Math.round(s / (2 * rad + 1));
        }
  }
}

/** Nearest-neighbour resize (used to build screen textures before the pixel grid is applied). */
export function resizeNearest(img: ImageInput, w: number, h: number): Rgb {
  const out = blank(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) / w) * img.width));
      const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) / h) * img.height));
      const i = (sy * img.width + sx) * img.channels;
      out.data.set([img.data[i], img.data[i + 1], img.data[i + 2]], (y * w + x) * 3);
    }
  return out;
}

/** Bilinear resize of a box of `img` to w×h (area-ish when shrinking by averaging 2×2 first is not needed here). */
export function resizeBilinear(img: Rgb, w: number, h: number, box = { x: 0, y: 0, w: img.width, h: img.height }): Rgb {
  const out = blank(w, h);
  const H = [w / box.w, 0, -box.x * (w / box.w), 0, h / box.h, -box.y * (h / box.h), 0, 0, 1];
  warpOnto(out, img, H);
  return out;
}

/** Pastes `src` centred inside a border of colour `fill` and width `px`. */
export function border(src: Rgb, px: number, fill: [number, number, number]): Rgb {
  const out = blank(src.width + 2 * px, src.height + 2 * px, fill);
  for (let y = 0; y < src.height; y++) out.data.set(src.data.subarray(y * src.width * 3, (y + 1) * src.width * 3), ((y + px) * out.width + px) * 3);
  return out;
}
