/** Synthetic images for the texture/context signal unit tests (deterministic). */
import type { ImageInput } from '../types.ts';

export function synth(w: number, h: number, f: (x: number, y: number) => [number, number, number]): ImageInput {
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 3);
  return { data, width: w, height: h, channels: 3 };
}

/** Smooth "skin" with a little value noise (deterministic hash). */
export function skin(x: number, y: number): [number, number, number] {
  const n = (((x * 73856093) ^ (y * 19349663)) >>> 0) % 17 - 8;
  const v = 150 + 30 * Math.sin(x / 23) * Math.cos(y / 31) + n;
  return [v + 30, v, v - 25];
}
