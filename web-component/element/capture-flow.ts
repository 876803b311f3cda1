/**
 * The capture state machine as a pure function of frame results: passive checks until they all
 * hold for a stable window, then the server-chosen active step (bring the face closer), then, when
 * the session's challenge asks for it, a head turn to the side it names, then done.
 * It tells the caller when to grab evidence frames; it never touches the camera or the network.
 *
 * It never loops: an approach that stalls is explained (APPROACH_RETRY) and tried again at most
 * `maxApproachAttempts` times, then the flow fails with APPROACH_NOT_COMPLETED; checks that never
 * hold within `passiveTimeoutMs` fail it with CAPTURE_TIMEOUT. A slow but steady approach is not
 * cut short: only a face that stopped growing for `approachStallMs` (or the hard cap) ends a try.
 * A turn not seen within `turnTimeoutMs` fails the flow with TURN_NOT_COMPLETED.
 */
import type { Challenge, ErrorCode } from '../../protocol/index.ts';
import { InstructionDebouncer, REQUIRED_APPROACH, REQUIRED_PASSIVE, REQUIRED_TURN, instructionFor, laterChecksReported, requiredNow } from './guidance.ts';
import type { FaceGeometry, FrameResult } from './pipeline-port.ts';

export interface FlowConfig {
  /** all passive checks (the device liveness signal aside, see livenessWaitMs) must hold this long before the active step (ms) */
  stableWindowMs: number;
  /** hard cap of one approach try (ms), however steadily the face still grows */
  approachTimeoutMs: number;
  /** one approach try ends when the face has not grown (by 2% of the far width) for this long (ms) */
  approachStallMs: number;
  /** approach tries that may stall before the flow fails with APPROACH_NOT_COMPLETED */
  maxApproachAttempts: number;
  /** the passive checks must hold within this long of the phase starting, else CAPTURE_TIMEOUT (ms) */
  passiveTimeoutMs: number;
  /** how long the APPROACH_RETRY explanation stays on screen before other guidance (ms) */
  retryNoticeMs: number;
  /**
   * the device liveness signal (a blink, face motion) is guidance and a risk signal, never a gate:
   * once every other passive check holds, the step waits up to this long for it (so the evidence
   * likely holds a blink), showing "hold still", then goes on without it; the stable window runs
   * during the wait, so a signal that comes within it costs no time. A person who holds still is
   * not an attack; the server's PAD decides (ms)
   */
  livenessWaitMs: number;
  /** interval between `seq` evidence grabs while checks hold (ms) */
  seqIntervalMs: number;
  /** faces narrower than this are not used as evidence (px) */
  minEvidenceFacePx: number;
  /** instruction debounce (ms) */
  instructionHoldMs: number;
  /**
   * head yaw (degrees, towards the asked side) at which the turn frame is taken; the server accepts
   * 12° on its own detector (vision/challenge.ts), the device asks a little more
   */
  turnMinDeg: number;
  /**
   * and at most this far: the server binds the turn frame to the person only within the matcher's
   * pose limits (yaw 25° on its own estimate), so a head turned further waits for the way back
   */
  turnMaxDeg: number;
  /** the asked head turn must be seen within this long of the `near` frame, else TURN_NOT_COMPLETED (ms) */
  turnTimeoutMs: number;
}

export const DEFAULT_FLOW_CONFIG: FlowConfig = {
  stableWindowMs: 1200,
  approachTimeoutMs: 20_000,
  approachStallMs: 7_000,
  maxApproachAttempts: 3,
  passiveTimeoutMs: 45_000,
  retryNoticeMs: 3_000,
  livenessWaitMs: 3_000,
  seqIntervalMs: 250,
  minEvidenceFacePx: 160,
  instructionHoldMs: 300,
  turnMinDeg: 15,
  turnMaxDeg: 22,
  turnTimeoutMs: 12_000,
};

export type Phase = 'passive' | 'approach' | 'turn' | 'done';

/** How much the face must grow (relative to the far width) to count as progress of the approach. */
const PROGRESS_STEP = 0.02;
/**
 * A face this much smaller than the far frame means the person moved back after the step began
 * (or started it while leaning in): the approach is measured from here, with a new far frame.
 * The server checks the far/near pair either way.
 */
const REBASE_BELOW = 0.85;

/** What the caller should do after a frame. */
export type FlowAction =
  | { kind: 'none' }
  /** evidence grabbed so far is void: the flow went back to the passive phase */
  | { kind: 'restart' }
  /** the capture cannot complete: `code` ends it (liveness-error), `reason` is the last guidance shown */
  | { kind: 'fail'; code: 'APPROACH_NOT_COMPLETED' | 'CAPTURE_TIMEOUT' | 'TURN_NOT_COMPLETED'; reason: ErrorCode }
  /**
   * grab the current frame as evidence; `complete`: the evidence is complete with this frame (the
   * `near` frame when no turn is asked, else the `turn` frame)
   */
  | { kind: 'grab'; role: 'far' | 'near' | 'turn' | 'candidate'; t: number; quality: number; faceWidthPx: number; phase: 'passive' | 'approach'; complete?: boolean };

export interface FlowView {
  phase: Phase;
  /** the instruction on screen */
  code: ErrorCode;
  /** 0–1 overall progress */
  progress: number;
}

/** Mean absolute relative change of landmark ratios between two geometries. */
export function ratioChange(a: FaceGeometry, b: FaceGeometry): number {
  const n = Math.min(a.ratios.length, b.ratios.length);
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(b.ratios[i] - a.ratios[i]) / (Math.abs(a.ratios[i]) || 1);
  return s / n;
}

export class CaptureFlow {
  private phaseNow: Phase = 'passive';
  private stableSince: number | null = null;
  private lastGrab = -Infinity;
  private far: FaceGeometry | null = null;
  private near: FaceGeometry | null = null;
  /** frame time of the `near` grab (the turn step's start) */
  private turnStart = 0;
  /** the largest yaw towards the asked side seen in this turn step (degrees) */
  private bestTurn = 0;
  private approachStart = 0;
  private bestGain = 1;
  /** frame time the face last grew by PROGRESS_STEP in this approach try */
  private lastGrowth = 0;
  private approachTries = 0;
  /** approach tries that ended without the face coming close enough (server retries do not count) */
  private stalls = 0;
  /** start of the current passive phase (set by its first frame) */
  private passiveStart: number | null = null;
  /** first frame of this passive phase on which only the device liveness signal failed */
  private livenessWaitFrom: number | null = null;
  /** APPROACH_RETRY stays on screen until this frame time */
  private noticeUntil = -Infinity;
  private readonly debounce: InstructionDebouncer;
  private viewNow: FlowView = { phase: 'passive', code: 'FACE_NOT_FOUND', progress: 0 };

  constructor(
    private readonly challenge: Challenge,
    private readonly cfg: FlowConfig = DEFAULT_FLOW_CONFIG,
  ) {
    this.debounce = new InstructionDebouncer(cfg.instructionHoldMs);
  }

  get view(): FlowView {
    return this.viewNow;
  }

  /** approach tries started so far (1 on the first try) */
  get attempts(): number {
    return this.approachTries;
  }

  /** Restarts from the passive phase (retry, or a fresh nonce after a retryable server answer). */
  reset(): void {
    this.phaseNow = 'passive';
    this.stableSince = null;
    this.passiveStart = null;
    this.livenessWaitFrom = null;
    this.far = null;
    this.near = null;
    this.bestTurn = 0;
    this.bestGain = 1;
    this.lastGrab = -Infinity;
    this.debounce.reset();
    this.viewNow = { phase: 'passive', code: 'FACE_NOT_FOUND', progress: 0 };
  }

  push(r: FrameResult): FlowAction {
    if (this.phaseNow === 'done') return { kind: 'none' };
    if (this.phaseNow === 'turn') return this.turn(r);
    return this.phaseNow === 'passive' ? this.passive(r) : this.approach(r);
  }

  private show(code: ErrorCode, t: number, progress: number): void {
    this.viewNow = { phase: this.phaseNow, code: this.debounce.push(code, t) ?? code, progress: Math.max(0, Math.min(1, progress)) };
  }

  private passive(r: FrameResult): FlowAction {
    this.passiveStart ??= r.t;
    // the phone detector's first result may come later: the capture waits for it, not this phase
    let code = instructionFor(r, requiredNow(r, REQUIRED_PASSIVE));
    // every other check holds (liveness comes last in the guidance order): the stable window runs
    // meanwhile, and the step waits for the signal a bounded time, then goes on without it
    let livenessPending = false;
    if (code === 'FACE_NOT_LIVE') {
      this.livenessWaitFrom ??= r.t;
      livenessPending = r.t - this.livenessWaitFrom < this.cfg.livenessWaitMs;
      code = null;
    }
    if (code !== null || !r.geometry) {
      this.stableSince = null;
      // (never FACE_NOT_LIVE: while only the liveness signal is missing the person is asked to hold still)
      const shown = code ?? 'FACE_NOT_FOUND';
      if (r.t - this.passiveStart > this.cfg.passiveTimeoutMs) {
        this.phaseNow = 'done';
        this.viewNow = { phase: 'done', code: shown, progress: 0 };
        return { kind: 'fail', code: 'CAPTURE_TIMEOUT', reason: shown };
      }
      // the retry explanation outlasts small hiccups (a face lost for a frame), not a phone or a crowd
      const noticed = r.t < this.noticeUntil && shown !== 'PHONE_IN_FRAME' && shown !== 'FACE_MULTIPLE';
      this.show(noticed ? 'APPROACH_RETRY' : shown, r.t, 0);
      return { kind: 'none' };
    }
    this.stableSince ??= r.t;
    const held = r.t - this.stableSince;
    // the passive window is the first half of the bar, the approach the second
    this.show(r.t < this.noticeUntil ? 'APPROACH_RETRY' : 'HOLD_STILL', r.t, 0.5 * Math.min(1, held / this.cfg.stableWindowMs));
    if (held >= this.cfg.stableWindowMs && !livenessPending && r.t >= this.noticeUntil) {
      this.phaseNow = 'approach';
      this.far = r.geometry;
      this.approachStart = r.t;
      this.lastGrowth = r.t;
      this.approachTries++;
      this.bestGain = 1;
      this.show('MOVE_CLOSER_STEP', r.t, 0.5);
      this.lastGrab = r.t;
      return this.grab('far', r);
    }
    if (r.t - this.lastGrab >= this.cfg.seqIntervalMs && r.geometry.faceWidthPx >= this.cfg.minEvidenceFacePx) {
      this.lastGrab = r.t;
      return this.grab('candidate', r);
    }
    return { kind: 'none' };
  }

  private approach(r: FrameResult): FlowAction {
    if (r.t - this.lastGrowth > this.cfg.approachStallMs || r.t - this.approachStart > this.cfg.approachTimeoutMs) {
      this.stalls++;
      if (this.stalls >= this.cfg.maxApproachAttempts) {
        this.phaseNow = 'done';
        this.viewNow = { phase: 'done', code: 'MOVE_CLOSER_STEP', progress: 0 };
        return { kind: 'fail', code: 'APPROACH_NOT_COMPLETED', reason: 'MOVE_CLOSER_STEP' };
      }
      // explain, then take the step again: never "face not found" while the face is in the oval
      this.reset();
      this.noticeUntil = r.t + this.cfg.retryNoticeMs;
      this.show('APPROACH_RETRY', r.t, 0);
      return { kind: 'restart' };
    }
    const code = instructionFor(r, requiredNow(r, REQUIRED_APPROACH));
    // a phone or a second face appearing mid-approach is an attack signal, not a pause: start over
    if (code === 'PHONE_IN_FRAME' || code === 'FACE_MULTIPLE') {
      this.reset();
      this.show(code, r.t, 0);
      return { kind: 'restart' };
    }
    const far = this.far!;
    if (code !== null || !r.geometry) {
      this.show(code ?? 'FACE_NOT_FOUND', r.t, 0.5 + this.approachShare() * this.gainProgress());
      return { kind: 'none' };
    }
    const gain = r.geometry.faceWidthPx / far.faceWidthPx;
    if (gain < REBASE_BELOW) {
      this.far = r.geometry;
      this.bestGain = 1;
      this.lastGrowth = r.t;
      this.lastGrab = r.t;
      this.show('MOVE_CLOSER_STEP', r.t, 0.5);
      return this.grab('far', r);
    }
    if (gain >= this.bestGain + PROGRESS_STEP) {
      this.bestGain = gain;
      this.lastGrowth = r.t;
    }
    const reached = gain >= this.challenge.approach.minScaleGain;
    // close enough, but the phone detector has not reported yet: hold here until it has
    const waiting = reached && !laterChecksReported(r);
    this.show(waiting ? 'HOLD_STILL' : 'MOVE_CLOSER_STEP', r.t, 0.5 + this.approachShare() * this.gainProgress());
    if (waiting) return { kind: 'none' };
    if (reached) {
      this.near = r.geometry;
      const near = { kind: 'grab', role: 'near', t: r.t, quality: r.quality ?? 0, faceWidthPx: r.geometry.faceWidthPx, phase: 'approach' } as const;
      if (this.challenge.turn) {
        this.phaseNow = 'turn';
        this.turnStart = r.t;
        this.bestTurn = 0;
        // a new step, not a flicker: its instruction shows at once (no debounce hold)
        this.debounce.reset();
        this.show(turnCode(this.challenge.turn), r.t, 0.5 + this.approachShare());
        return { ...near, complete: false };
      }
      this.phaseNow = 'done';
      this.viewNow = { phase: 'done', code: 'HOLD_STILL', progress: 1 };
      return { ...near, complete: true };
    }
    if (r.t - this.lastGrab >= this.cfg.seqIntervalMs && r.geometry.faceWidthPx >= this.cfg.minEvidenceFacePx) {
      this.lastGrab = r.t;
      return this.grab('candidate', r);
    }
    return { kind: 'none' };
  }

  /**
   * The turn step: only a face (one, no phone, enough light) is required — not frontal, not in the
   * oval. The first frame turned `turnMinDeg`–`turnMaxDeg` towards the asked side (yaw > 0: the
   * person's own left, as vision/challenge.ts measures it), once the instruction has been shown for
   * `instructionHoldMs`, is the `turn` evidence frame.
   */
  private turn(r: FrameResult): FlowAction {
    const side = this.challenge.turn!;
    if (r.t - this.turnStart > this.cfg.turnTimeoutMs) {
      this.phaseNow = 'done';
      this.viewNow = { phase: 'done', code: turnCode(side), progress: 0 };
      return { kind: 'fail', code: 'TURN_NOT_COMPLETED', reason: turnCode(side) };
    }
    const code = instructionFor(r, requiredNow(r, REQUIRED_TURN));
    const base = 0.5 + this.approachShare();
    if (code !== null || !r.geometry) {
      this.show(code ?? 'FACE_NOT_FOUND', r.t, base + (1 - base) * this.turnProgress());
      return { kind: 'none' };
    }
    const yaw = (side === 'left' ? 1 : -1) * (r.geometry.yawDeg ?? 0);
    this.bestTurn = Math.max(this.bestTurn, yaw);
    // a frame is an answer only once the person has been asked: the instruction stays on screen at
    // least one debounce hold before a turned face is taken
    const asked = r.t - this.turnStart >= this.cfg.instructionHoldMs;
    if (asked && yaw >= this.cfg.turnMinDeg && yaw <= this.cfg.turnMaxDeg) {
      this.phaseNow = 'done';
      this.viewNow = { phase: 'done', code: 'HOLD_STILL', progress: 1 };
      return { kind: 'grab', role: 'turn', t: r.t, quality: r.quality ?? 0, faceWidthPx: r.geometry.faceWidthPx, phase: 'approach', complete: true };
    }
    this.show(turnCode(side), r.t, base + (1 - base) * this.turnProgress());
    return { kind: 'none' };
  }

  /** After the last grab: the approach evidence for the capture token. */
  approachEvidence(): { scaleGain: number; ratioChange: number } {
    const far = this.far!;
    const near = this.near!;
    return { scaleGain: round3(near.faceWidthPx / far.faceWidthPx), ratioChange: round3(ratioChange(far, near)) };
  }

  /** Share of the progress bar the approach takes (the passive window takes the first half). */
  private approachShare(): number {
    return this.challenge.turn ? 0.3 : 0.5;
  }

  private turnProgress(): number {
    return Math.max(0, Math.min(1, this.bestTurn / this.cfg.turnMinDeg));
  }

  private gainProgress(): number {
    const need = this.challenge.approach.minScaleGain - 1;
    return need <= 0 ? 1 : Math.max(0, Math.min(1, (this.bestGain - 1) / need));
  }

  private grab(role: 'far' | 'candidate', r: FrameResult): FlowAction {
    return {
      kind: 'grab',
      role,
      t: r.t,
      quality: r.quality ?? 0,
      faceWidthPx: r.geometry?.faceWidthPx ?? 0,
      phase: this.phaseNow === 'approach' && role !== 'far' ? 'approach' : 'passive',
    };
  }
}

function turnCode(side: 'left' | 'right'): 'TURN_LEFT' | 'TURN_RIGHT' {
  return side === 'left' ? 'TURN_LEFT' : 'TURN_RIGHT';
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
