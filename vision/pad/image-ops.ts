/** Pure pixel helpers for the PAD signals: luma, box-filtered crops, face boxes from landmarks. */
import type { Box, ImageInput } from '../types.ts';

/** Tight box around the landmarks (x,y,z stride 3), grown by `scale` around its centre, made square. */
export function landmarkBox(points: ArrayLike<number>, scale = 1.1): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 3) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  const s = Math.max(x1 - x0, y1 - y0) * scale;
  return { x: (x0 + x1) / 2 - s / 2, y: (y0 + y1) / 2 - s / 2, w: s, h: s };
}

/**
 * Resamples `box` of the image to size×size per channel (RGB, or 1 channel luma when `gray`),
 * averaging the source pixels that fall in each target cell (area resampling: no new aliasing, so
 * moiré seen here was in the image; cells wider than 8 px are averaged over every 2nd pixel or
 * sparser, which keeps the low-pass and the speed). Pixels outside the image are clamped to its border.
 */
export function cropArea(img: ImageInput, box: Box, size: number, gray: boolean): Float32Array {
  const C = gray ? 1 : 3;
  const out = new Float32Array(size * size * C);
  const cnt = new Float32Array(size * size);
  const { width: W, height: H, channels: ch, data } = img;
  const x0 = Math.floor(box.x);
  const y0 = Math.floor(box.y);
  const x1 = Math.ceil(box.x + box.w);
  const y1 = Math.ceil(box.y + box.h);
  const step = Math.max(1, Math.floor(box.w / size / 4));
  // target column and clamped source offset of every sampled source column, computed once
  const cols: number[] = [];
  const offs: number[] = [];
  for (let x = x0; x < x1; x += step) {
    const tx = Math.min(size - 1, Math.floor(((x - box.x) / box.w) * size));
    if (tx < 0) continue;
    cols.push(tx);
    offs.push(Math.min(W - 1, Math.max(0, x)) * ch);
  }
  for (let y = y0; y < y1; y += step) {
    const ty = Math.min(size - 1, Math.floor(((y - box.y) / box.h) * size));
    if (ty < 0) continue;
    const rowOff = Math.min(H - 1, Math.max(0, y)) * W * ch;
    const tRow = ty * size;
    for (let k = 0; k < cols.length; k++) {
      const i = rowOff + offs[k];
      const t = tRow + cols[k];
      if (gray) out[t] += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      else {
        out[t * 3] += data[i];
        out[t * 3 + 1] += data[i + 1];
        out[t * 3 + 2] += data[i + 2];
      }
      cnt[t]++;
    }
  }
  // upsampled crops leave empty cells: fill them from the nearest source pixel
  for (let ty = 0; ty < size; ty++)
    for (let tx = 0; tx < size; tx++) {
      const t = ty * size + tx;
      if (cnt[t] > 0) {
        for (let c = 0; c < C; c++) out[t * C + c] /= cnt[t];
        continue;
      }
      const sx = Math.min(W - 1, Math.max(0, Math.floor(box.x + ((tx + 0.5) / size) * box.w)));
      const sy = Math.min(H - 1, Math.max(0, Math.floor(box.y + ((ty + 0.5) / size) * box.h)));
      const i = (sy * W + sx) * ch;
      if (gray) out[t] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      else for (let c = 0; c < 3; c++) out[t * 3 + c] = data[i + c];
    }
  return out;
}

/** Bilinear sample of a W×H single-channel image at (x, y), clamped to its border. */
export function bilinearAt(g: Float32Array, W: number, H: number, x: number, y: number): number {
  const cx = Math.min(W - 1.001, Math.max(0, x));
  const cy = Math.min(H - 1.001, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const fx = cx - x0;
  const fy = cy - y0;
  const i = y0 * W + x0;
  return (g[i] * (1 - fx) + g[i + 1] * fx) * (1 - fy) + (g[i + W] * (1 - fx) + g[i + W + 1] * fx) * fy;
}
