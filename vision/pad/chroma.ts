/**
 * Chroma and tone statistics of the face: prints are desaturated and low-contrast; screens shift
 * gamma; 8-bit tone remapping leaves a comb of empty bins (banding) in the luma histogram.
 */
import type { Box, ImageInput } from '../types.ts';

export interface ChromaStats {
  /** mean chroma √(Cb² + Cr²) (BT.601, 0–~180) */
  chroma: number;
  /** luma spread p95 − p5 (0–255) */
  contrast: number;
  /** share of empty luma-histogram bins between p5 and p95 (banding / posterisation) */
  banding: number;
}

/** Statistics over the source pixels of the central 60% of `box` (stays on skin, keeps 8-bit levels). */
export function chromaStats(img: ImageInput, box: Box): ChromaStats {
  const { width: W, height: H, channels: ch, data } = img;
  const x0 = Math.max(0, Math.floor(box.x + 0.2 * box.w));
  const x1 = Math.min(W, Math.ceil(box.x + 0.8 * box.w));
  const y0 = Math.max(0, Math.floor(box.y + 0.2 * box.h));
  const y1 = Math.min(H, Math.ceil(box.y + 0.8 * box.h));
  const hist = new Float64Array(256);
  let c = 0;
  let cnt = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * W + x) * ch;
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      const cb = -0.168736 * r - 0.331264 * g + 0.5 * b;
      const cr = 0.5 * r - 0.418688 * g - 0.081312 * b;
      c += Math.hypot(cb, cr);
      hist[Math.round(0.299 * r + 0.587 * g + 0.114 * b)]++;
      cnt++;
    }
  if (!cnt) return { chroma: Number.NaN, contrast: Number.NaN, banding: Number.NaN };
  const pct = (q: number) => {
    let s = 0;
    for (let v = 0; v < 256; v++) {
      s += hist[v];
      if (s >= q * cnt) return v;
    }
    return 255;
  };
  const p5 = pct(0.05);
  const p95 = pct(0.95);
  let empty = 0;
  for (let v = p5; v <= p95; v++) if (hist[v] === 0) empty++;
  return { chroma: c / cnt, contrast: p95 - p5, banding: p95 > p5 ? empty / (p95 - p5 + 1) : 0 };
}
