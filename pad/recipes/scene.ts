/**
 * Synthetic face-free backgrounds for the hand-held attacks: a wall gradient, soft blobs, a few
 * straight furniture/door edges (so straight lines alone do not mean "attack") and sensor noise.
 */
import { blank, boxBlur, noise, type Rgb } from './raster.ts';
import type { Rng } from './rng.ts';
import { uni } from './rng.ts';

export function scene(r: Rng, size = 480): Rgb {
  const a = [uni(r, 60, 220), uni(r, 60, 220), uni(r, 60, 220)];
  const b = a.map((v) => Math.max(0, Math.min(255, v + uni(r, -60, 60))));
  const img = blank(size, size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const t = (y + 0.3 * x) / (1.3 * size);
      for (let c = 0; c < 3; c++) img.data[(y * size + x) * 3 + c] = a[c] * (1 - t) + b[c] * t;
    }
  const edges = Math.floor(uni(r, 0, 3));
  for (let e = 0; e < edges; e++) {
    const vertical = r() < 0.5;
    const pos = Math.floor(uni(r, 0.05, 0.95) * size);
    const col = [uni(r, 20, 240), uni(r, 20, 240), uni(r, 20, 240)];
    const wdt = Math.floor(uni(r, 8, 60));
    for (let i = 0; i < size; i++)
      for (let k = 0; k < wdt; k++) {
        const x = vertical ? pos + k : i;
        const y = vertical ? i : pos + k;
        if (x < size && y < size) img.data.set(col, (y * size + x) * 3);
      }
  }
  boxBlur(img, 2, 1);
  noise(img, r, 2);
  return img;
}
