/**
 * Moiré: re-capturing a screen's pixel grid (or a halftone print) beats against the camera's
 * sensor grid and leaves isolated peaks in the luminance spectrum; a live face's spectrum falls off
 * smoothly. Peakiness = strongest bin over the median of its own frequency ring.
 */
import { powerSpectrum, radiusOf } from './fft.ts';

/**
 * log10 of the largest (bin power ÷ median power of its ring) over rings rminFrac…0.5 of the
 * Nyquist band, for an n×n luma crop. Live faces ~1.0–1.5; screen recaptures higher.
 */
export function moirePeakiness(gray: ArrayLike<number>, n: number, rminFrac = 0.12): number {
  return moireFromSpectrum(powerSpectrum(gray, n), n, rminFrac);
}

/** moirePeakiness over a precomputed powerSpectrum (shared with the detail signal). */
export function moireFromSpectrum(p: Float64Array, n: number, rminFrac = 0.12): number {
  const nr = Math.floor(n / 2);
  const rings: number[][] = Array.from({ length: nr + 1 }, () => []);
  const rOf = new Int32Array(p.length);
  // a real image's spectrum is point-symmetric: rows 0…n/2 hold every value
  const half = (n / 2 + 1) * n;
  for (let i = 0; i < half; i++) {
    const r = Math.round(radiusOf(i, n));
    rOf[i] = r;
    if (r <= nr) rings[r].push(p[i]);
  }
  const med = rings.map((v) => {
    if (!v.length) return 0;
    const s = Float64Array.from(v).sort();
    return s[s.length >> 1];
  });
  const rmin = Math.max(3, Math.round(rminFrac * n));
  let best = 1;
  for (let i = 0; i < half; i++) {
    const r = rOf[i];
    if (r < rmin || r > nr || !(med[r] > 0)) continue;
    best = Math.max(best, p[i] / med[r]);
  }
  return Math.log10(best);
}
