/**
 * Specular glare: a screen or glossy print reflects room light as a large, colourless, clipped
 * patch; skin's own highlights are small.
 */

/** Share of an RGB crop's pixels (n×n, interleaved) that are near-white (luma ≥ `level`) and unsaturated. */
export function glareFraction(rgb: ArrayLike<number>, n: number, level = 235): number {
  let g = 0;
  for (let i = 0; i < n * n; i++) {
    const r = rgb[i * 3];
    const gg = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const y = 0.299 * r + 0.587 * gg + 0.114 * b;
    const sat = Math.max(r, gg, b) - Math.min(r, gg, b);
    if (y >= level && sat < 40) g++;
  }
  return g / (n * n);
}
