/**
 * Liveness check (0–100), a guidance-level risk signal only: the server re-runs presentation-attack
 * detection on the evidence frames and is the authority. What the value measures:
 *   - non-rigid face motion: spread over time of scale-free landmark ratios (mouth opening, eye
 *     openness, face proportions). A printed or replayed photo moved in front of the camera keeps
 *     them (nearly) constant; a live face talking, blinking or breathing does not;
 *   - a blink seen (a held still photo cannot blink);
 *   - human-models `antispoof` has weight 0: a retouch detector that scored inverted on
 *     print/screen attacks (TOOLCHAIN.md; here too: 0.84–0.85 on the print/screen fixtures vs
 *     0.55–0.70 on live clips). It is computed and recorded so it can be evaluated, not trusted.
 * The weights are hand-set, not learned: a later issue fits a fused PAD model on labelled data.
 * A person who neither blinks nor moves their face for the whole window scores low: guidance
 * then asks them to look at the camera naturally; it is not an attack verdict.
 */
import type { CheckResult } from '../../protocol/index.ts';
import type { VisionConfig } from '../config.ts';

export const LIVENESS_WEIGHTS = { motion: 0.5, blink: 0.5, antispoof: 0 } as const;

/** Keeps the last `window` ratio vectors and reports their mean std-dev (non-rigid motion). */
export class MotionTracker {
  private hist: number[][] = [];
  constructor(private readonly window: number) {}

  /** Adds one frame's ratios (skipped when empty: no mesh). */
  push(ratios: readonly number[], earMean: number): void {
    if (!ratios.length) return;
    this.hist.push([...ratios, earMean]);
    if (this.hist.length > this.window) this.hist.shift();
  }

  /** Mean over ratios of their std-dev across the window; 0 with fewer than 5 frames. */
  spread(): number {
    const n = this.hist.length;
    if (n < 5) return 0;
    const k = this.hist[0].length;
    let total = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      let s2 = 0;
      for (const h of this.hist) {
        s += h[j];
        s2 += h[j] * h[j];
      }
      const m = s / n;
      total += Math.sqrt(Math.max(0, s2 / n - m * m));
    }
    return total / k;
  }

  get frames(): number {
    return this.hist.length;
  }

  reset(): void {
    this.hist = [];
  }
}

export interface LivenessInput {
  faceFound: boolean;
  /** MotionTracker.spread() */
  motionSpread: number;
  blinkSeen: boolean;
  /** antispoof "real" score 0–1, or null if not computed yet */
  antispoof: number | null;
}

/** The 0–100 liveness confidence (a weighted sum of bounded signals). */
export function livenessScore(i: LivenessInput, cfg: VisionConfig['liveness']): number {
  if (!i.faceFound) return 0;
  const motion = Math.min(1, Math.max(0, (i.motionSpread - cfg.motionFloor) / (cfg.motionFull - cfg.motionFloor)));
  const w = LIVENESS_WEIGHTS;
  const s = w.motion * motion + w.blink * (i.blinkSeen ? 1 : 0) + w.antispoof * (i.antispoof ?? 0);
  return Math.round(100 * Math.min(1, Math.max(0, s)));
}

/** value: the 0–100 confidence; fails with FACE_NOT_LIVE under cfg.minScore. */
export function livenessCheck(i: LivenessInput, cfg: VisionConfig['liveness']): CheckResult {
  const value = livenessScore(i, cfg);
  return value >= cfg.minScore ? { pass: true, value } : { pass: false, value, code: 'FACE_NOT_LIVE' };
}
