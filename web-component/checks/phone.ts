/** Phone check: no phone, tablet or screen (COCO "cell phone"/"tv"/"laptop"/…) held in the frame. */
import type { CheckResult } from '../../protocol/index.ts';
import type { Box, DetectedObject } from '../../vision/types.ts';
import type { VisionConfig } from '../config.ts';

/** Whether box `b` reaches the face box grown by `grow` face sizes on every side. */
function nearFace(b: Box, f: Box, grow: number): boolean {
  const gx = grow * f.w;
  const gy = grow * f.h;
  return b.x < f.x + f.w + gx && b.x + b.w > f.x - gx && b.y < f.y + f.h + gy && b.y + b.h > f.y - gy;
}

/**
 * The screen-like detections that count, best first: a phone, tablet or screen *held* in view —
 * shaped like one (long/short side ≤ maxAspect: a door edge or a car pillar read as "cell phone" is
 * not) and, when a face is known, at or next to it (a TV or monitor across the room, a remote on
 * the desk, are not held up to the camera).
 */
export function screenObjects(objects: readonly DetectedObject[], frameW: number, frameH: number, cfg: VisionConfig['phone'], face?: Box): DetectedObject[] {
  const area = frameW * frameH;
  return objects
    .filter((o) => {
      const frac = (o.box.w * o.box.h) / area;
      const aspect = Math.max(o.box.w, o.box.h) / Math.max(1, Math.min(o.box.w, o.box.h));
      return cfg.labels.includes(o.label) && frac <= cfg.maxAreaFrac && frac >= cfg.minAreaFrac && aspect <= cfg.maxAspect && (!face || nearFace(o.box, face, cfg.nearFace));
    })
    .sort((a, b) => b.score - a.score);
}

/**
 * value: the best screen-like score (0 when none). `objects` null → the detector has not run yet.
 * `face`: the main face's box in the same frame, when one was found.
 */
export function phoneCheck(objects: readonly DetectedObject[] | null, frameW: number, frameH: number, cfg: VisionConfig['phone'], face?: Box): CheckResult {
  if (!objects) return { pass: true, value: 0 };
  const best = screenObjects(objects, frameW, frameH, cfg, face)[0];
  const value = best?.score ?? 0;
  return value >= cfg.minScore ? { pass: false, value, code: 'PHONE_IN_FRAME' } : { pass: true, value };
}

/**
 * Debounces phone results across detector runs (~2 Hz): the check fails only when the last
 * `confirmRuns` runs all failed, so one spurious detection does not flash "remove the phone".
 */
export class PhoneDebouncer {
  private fails = 0;
  constructor(private readonly cfg: VisionConfig['phone']) {}

  /** Feeds one detector run's single-shot result; returns the debounced result. */
  update(r: CheckResult): CheckResult {
    this.fails = r.pass ? 0 : this.fails + 1;
    if (r.pass || this.fails >= this.cfg.confirmRuns) return r;
    return { pass: true, value: r.value };
  }

  reset(): void {
    this.fails = 0;
  }
}
