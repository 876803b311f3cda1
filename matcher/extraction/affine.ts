import type { ImageInput } from '../../vision/types.ts';

/** 2×3 affine matrix [a, b, tx, c, d, ty]: x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
export type Affine = [number, number, number, number, number, number];

/** Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping src → dst. */
export function estimateSimilarity(src: [number, number][], dst: [number, number][]): Affine {
  const n = src.length;
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i][0]; sy += src[i][1]; dx += dst[i][0]; dy += dst[i][1];
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let num1 = 0, num2 = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const ax = src[i][0] - sx, ay = src[i][1] - sy;
    const bx = dst[i][0] - dx, by = dst[i][1] - dy;
    num1 += ax * bx + ay * by;
    num2 += ax * by - ay * bx;
    den += ax * ax + ay * ay;
  }
  if (den === 0) throw new Error('degenerate points');
  const a = num1 / den, b = num2 / den; // scale·cos, scale·sin
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new Error('singular transform');
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * Warps `image` into a new RGB image of size w×h; `outToSrc` maps output pixel centres to source
 * coordinates. Bilinear sampling, black outside the source.
 */
export function warpAffine(image: ImageInput, outToSrc: Affine, w: number, h: number): ImageInput {
  const out = new Uint8Array(w * h * 3);
  const { data, width: sw, height: sh, channels: ch } = image;
  const [a, b, tx, c, d, ty] = outToSrc;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = a * x + b * y + tx;
      const fy = c * x + d * y + ty;
      const x0 = Math.floor(fx), y0 = Math.floor(fy);
      const o = (y * w + x) * 3;
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) continue;
      const wx = fx - x0, wy = fy - y0;
      for (let k = 0; k < 3; k++) {
        let acc = 0;
        for (let j = 0; j < 4; j++) {
          const px = x0 + (j & 1), py = y0 + (j >> 1);
          if (px < 0 || py < 0 || px >= sw || py >= sh) continue;
          const wgt = ((j & 1) ? wx : 1 - wx) * ((j >> 1) ? wy : 1 - wy);
          acc += wgt * data[(py * sw + px) * ch + k];
        }
        out[o + k] = acc;
      }
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}
