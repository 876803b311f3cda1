/** Phone check: no phone, tablet or screen (COCO "cell phone"/"tv"/"laptop"/…) held in the frame. */
import type { CheckResult } from '../../protocol/index.ts';
import type { DetectedObject } from '../../vision/types.ts';
import type { VisionConfig } from '../config.ts';

/** The screen-like detections that count, best first. */
export function screenObjects(objects: readonly DetectedObject[], frameW: number, frameH: number, cfg: VisionConfig['phone']): DetectedObject[] {
  const area = frameW * frameH;
  return objects
    .filter((o) => {
      const frac = (o.box.w * o.box.h) / area;
      return cfg.labels.includes(o.label) && frac <= cfg.maxAreaFrac && frac >= cfg.minAreaFrac;
    })
    .sort((a, b) => b.score - a.score);
}

/** value: the best screen-like score (0 when none). `objects` null → the detector has not run yet. */
export function phoneCheck(objects: readonly DetectedObject[] | null, frameW: number, frameH: number, cfg: VisionConfig['phone']): CheckResult {
  if (!objects) return { pass: true, value: 0 };
  const best = screenObjects(objects, frameW, frameH, cfg)[0];
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
