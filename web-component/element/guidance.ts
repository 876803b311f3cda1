/**
 * Picks the ONE instruction to show for a frame: the first failing check in a fixed priority
 * order (what blocks the others comes first: a phone or darkness hide the face).
 */
import type { CheckName, CheckResult, ErrorCode } from '../../protocol/index.ts';
import { isErrorCode } from '../../protocol/index.ts';
import type { FrameResult } from './pipeline-port.ts';

/** Order in which failing checks are reported. */
export const GUIDANCE_ORDER: readonly CheckName[] = ['phone', 'lighting', 'face', 'distance', 'eyes', 'liveness'];

/** Code used when a failing check carries none of its own. */
export const DEFAULT_CODE: Record<CheckName, ErrorCode> = {
  face: 'FACE_NOT_FOUND',
  eyes: 'EYES_NOT_VISIBLE',
  phone: 'PHONE_IN_FRAME',
  lighting: 'TOO_DARK',
  distance: 'TOO_FAR',
  liveness: 'FACE_NOT_LIVE',
};

/** Checks that must pass in the passive phase; the active step ignores `distance` (the face grows). */
export const REQUIRED_PASSIVE: readonly CheckName[] = ['face', 'eyes', 'phone', 'lighting', 'distance', 'liveness'];
export const REQUIRED_APPROACH: readonly CheckName[] = ['face', 'phone', 'lighting'];
/** The head-turn step: a face turned away is the point, so only the light and no phone (one face is checked always). */
export const REQUIRED_TURN: readonly CheckName[] = ['phone', 'lighting'];

/**
 * Checks whose first result may come after the step has begun: the phone detector (the largest
 * model, loaded after the first instruction: 1–3 s on a slow device). Until it reports, the passive
 * phase and the approach go on without it, but the `near` frame — the capture — waits for it, so no
 * capture completes unchecked; once reported, a phone stops the passive phase and restarts the
 * approach as before.
 */
export const REPORTS_LATER: readonly CheckName[] = ['phone'];

/** `required` less the checks of REPORTS_LATER that have not reported on this frame. */
export function requiredNow(r: FrameResult, required: readonly CheckName[]): readonly CheckName[] {
  return required.filter((name) => r.checks[name] !== undefined || !REPORTS_LATER.includes(name));
}

/** Every check of REPORTS_LATER has reported on this frame (the capture may complete). */
export function laterChecksReported(r: FrameResult): boolean {
  return REPORTS_LATER.every((name) => r.checks[name] !== undefined);
}

function codeOf(name: CheckName, r: CheckResult): ErrorCode {
  return r.code && isErrorCode(r.code) ? r.code : DEFAULT_CODE[name];
}

/**
 * The instruction for one frame, or null when every required check passes.
 * A required check that has not reported yet counts as failing (we never capture unchecked).
 */
export function instructionFor(r: FrameResult, required: readonly CheckName[]): ErrorCode | null {
  if (r.faces === 0 && r.checks.lighting?.pass !== false && r.checks.phone?.pass !== false) return 'FACE_NOT_FOUND';
  if (r.faces > 1 && r.checks.phone?.pass !== false) return 'FACE_MULTIPLE';
  for (const name of GUIDANCE_ORDER) {
    if (!required.includes(name)) continue;
    const c = r.checks[name];
    if (c && !c.pass) return codeOf(name, c);
  }
  for (const name of required) if (!r.checks[name]) return 'HOLD_STILL';
  return null;
}

/**
 * Debounces instructions so the text does not flicker: a new instruction replaces the shown one
 * only after it has been the frame's instruction for `holdMs`.
 */
export class InstructionDebouncer {
  private shown: ErrorCode | null = null;
  private pending: ErrorCode | null = null;
  private pendingSince = 0;
  constructor(private readonly holdMs = 300) {}

  /** Feeds the frame's instruction; returns what should be on screen. */
  push(code: ErrorCode | null, t: number): ErrorCode | null {
    if (code === this.shown) {
      this.pending = null;
      return this.shown;
    }
    // the very first instruction shows at once: nothing to flicker against yet
    if (this.shown === null) {
      this.shown = code;
      return code;
    }
    if (code !== this.pending) {
      this.pending = code;
      this.pendingSince = t;
    }
    if (t - this.pendingSince >= this.holdMs) {
      this.shown = code;
      this.pending = null;
    }
    return this.shown;
  }

  reset(): void {
    this.shown = null;
    this.pending = null;
  }
}
