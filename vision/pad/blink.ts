/** Blink dynamics from the eye aspect ratio (EAR, Soukupová & Čech 2016) over a frame series. */
import { LEFT_EYE, RIGHT_EYE } from './mesh-indices.ts';

function dist(p: ArrayLike<number>, a: number, b: number): number {
  return Math.hypot(p[a * 3] - p[b * 3], p[a * 3 + 1] - p[b * 3 + 1]);
}

function ear(p: ArrayLike<number>, e: readonly number[]): number {
  const w = dist(p, e[0], e[3]);
  return w > 0 ? (dist(p, e[1], e[5]) + dist(p, e[2], e[4])) / (2 * w) : Number.NaN;
}

/** Mean EAR of both eyes of a 468-point mesh (x,y,z stride 3); ~0.25–0.35 open, < 0.15 closed. */
export function eyeAspectRatio(points: ArrayLike<number>): number {
  return (ear(points, RIGHT_EYE) + ear(points, LEFT_EYE)) / 2;
}

export interface BlinkStats {
  /** (max − min) / max of the EAR series: ~0 for a printed or frozen face, large across a blink */
  earRange: number;
  /** a closure (EAR below `closedRatio` × the series' open level) was seen */
  blinked: boolean;
  /** longest closure in ms (0 without one); real blinks last ~100–400 ms */
  closedMs: number;
}

/** Blink statistics of an EAR series with timestamps in ms (same length, time order). */
export function blinkStats(ears: readonly number[], t: readonly number[], closedRatio = 0.6): BlinkStats {
  const ok = ears.map((e, i) => [e, t[i]] as const).filter(([e]) => Number.isFinite(e));
  if (ok.length < 2) return { earRange: Number.NaN, blinked: false, closedMs: 0 };
  const vals = ok.map(([e]) => e).sort((a, b) => a - b);
  const open = vals[Math.floor(0.75 * (vals.length - 1))];
  const max = vals[vals.length - 1];
  const earRange = max > 0 ? (max - vals[0]) / max : Number.NaN;
  let closedMs = 0;
  let start = -1;
  for (let i = 0; i < ok.length; i++) {
    const closed = ok[i][0] < closedRatio * open;
    if (closed && start < 0) start = i;
    if ((!closed || i === ok.length - 1) && start >= 0) {
      const end = closed ? i : i - 1;
      // a single closed sample still spans about one inter-frame gap
      const gap = ok.length > 1 ? (ok[ok.length - 1][1] - ok[0][1]) / (ok.length - 1) : 0;
      closedMs = Math.max(closedMs, ok[end][1] - ok[start][1] + gap);
      start = -1;
    }
  }
  return { earRange, blinked: closedMs > 0, closedMs };
}
