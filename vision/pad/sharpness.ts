/**
 * Sharpness and high-frequency energy of the face crop: prints and replays lose fine detail
 * (print/scan blur, screen resampling, double optics).
 */
import { powerSpectrum, radiusOf } from './fft.ts';

/** log10 of spectral power above 0.25·Nyquist over power in 0.05–0.25·Nyquist, n×n luma crop. */
export function highFreqRatio(gray: ArrayLike<number>, n: number): number {
  return highFreqFromSpectrum(powerSpectrum(gray, n), n);
}

/** highFreqRatio over a precomputed powerSpectrum. */
export function highFreqFromSpectrum(p: Float64Array, n: number): number {
  const nyq = n / 2;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < p.length; i++) {
    const r = radiusOf(i, n) / nyq;
    if (r < 0.05 || r > 1) continue;
    if (r < 0.25) lo += p[i];
    else hi += p[i];
  }
  return lo > 0 ? Math.log10((hi + 1e-9) / lo) : Number.NaN;
}

/** Variance of the 4-neighbour Laplacian over an n×n luma crop, ÷ the crop's luma variance. */
export function laplacianSharpness(gray: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let i = 0; i < n * n; i++) m += gray[i];
  m /= n * n;
  let v = 0;
  for (let i = 0; i < n * n; i++) v += (gray[i] - m) ** 2;
  v /= n * n;
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (let y = 1; y < n - 1; y++)
    for (let x = 1; x < n - 1; x++) {
      const i = y * n + x;
      const l = gray[i - 1] + gray[i + 1] + gray[i - n] + gray[i + n] - 4 * gray[i];
      s += l;
      s2 += l * l;
      c++;
    }
  const lv = s2 / c - (s / c) ** 2;
  return v > 0 ? lv / v : Number.NaN;
}
