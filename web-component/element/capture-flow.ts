/**
 * The capture state machine as a pure function of frame results: passive checks until they all
 * hold for a stable window, then the server-chosen active step (bring the face closer), then done.
 * It tells the caller when to grab evidence frames; it never touches the camera or the network.
 */
import type { Challenge, ErrorCode } from '../../protocol/index.ts';
import { InstructionDebouncer, REQUIRED_APPROACH, REQUIRED_PASSIVE, instructionFor } from './guidance.ts';
import type { FaceGeometry, FrameResult } from './pipeline-port.ts';

export interface FlowConfig {
  /** all passive checks must hold this long before the active step (ms) */
  stableWindowMs: number;
  /** the active step fails back to the passive phase after this long (ms) */
  approachTimeoutMs: number;
  /** interval between `seq` evidence grabs while checks hold (ms) */
  seqIntervalMs: number;
  /** faces narrower than this are not used as evidence (px) */
  minEvidenceFacePx: number;
  /** instruction debounce (ms) */
  instructionHoldMs: number;
}

export const DEFAULT_FLOW_CONFIG: FlowConfig = {
  stableWindowMs: 1200,
  approachTimeoutMs: 12_000,
  seqIntervalMs: 250,
  minEvidenceFacePx: 160,
  instructionHoldMs: 300,
};

export type Phase = 'passive' | 'approach' | 'done';

/** What the caller should do after a frame. */
export type FlowAction =
  | { kind: 'none' }
  /** evidence grabbed so far is void: the flow went back to the passive phase */
  | { kind: 'restart' }
  /** grab the current frame as evidence; `near` also means the active step is complete */
  | { kind: 'grab'; role: 'far' | 'near' | 'candidate'; t: number; quality: number; faceWidthPx: number; phase: 'passive' | 'approach' };

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
  private approachStart = 0;
  private bestGain = 1;
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

  /** Restarts from the passive phase (retry, or a fresh nonce after a retryable server answer). */
  reset(): void {
    this.phaseNow = 'passive';
    this.stableSince = null;
    this.far = null;
    this.bestGain = 1;
    this.lastGrab = -Infinity;
    this.debounce.reset();
    this.viewNow = { phase: 'passive', code: 'FACE_NOT_FOUND', progress: 0 };
  }

  push(r: FrameResult): FlowAction {
    if (this.phaseNow === 'done') return { kind: 'none' };
    return this.phaseNow === 'passive' ? this.passive(r) : this.approach(r);
  }

  private show(code: ErrorCode, t: number, progress: number): void {
    this.viewNow = { phase: this.phaseNow, code: this.debounce.push(code, t) ?? code, progress: Math.max(0, Math.min(1, progress)) };
  }

  private passive(r: FrameResult): FlowAction {
    const code = instructionFor(r, REQUIRED_PASSIVE);
    if (code !== null || !r.geometry) {
      this.stableSince = null;
      this.show(code ?? 'FACE_NOT_FOUND', r.t, 0);
      return { kind: 'none' };
    }
    this.stableSince ??= r.t;
    const held = r.t - this.stableSince;
    // the passive window is the first half of the bar, the approach the second
    this.show('HOLD_STILL', r.t, 0.5 * (held / this.cfg.stableWindowMs));
    if (held >= this.cfg.stableWindowMs) {
      this.phaseNow = 'approach';
      this.far = r.geometry;
      this.approachStart = r.t;
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
    if (r.t - this.approachStart > this.cfg.approachTimeoutMs) {
      this.reset();
      this.show('FACE_NOT_FOUND', r.t, 0);
      return { kind: 'restart' };
    }
    const code = instructionFor(r, REQUIRED_APPROACH);
    // a phone or a second face appearing mid-approach is an attack signal, not a pause: start over
    if (code === 'PHONE_IN_FRAME' || code === 'FACE_MULTIPLE') {
      this.reset();
      this.show(code, r.t, 0);
      return { kind: 'restart' };
    }
    const far = this.far!;
    if (code !== null || !r.geometry) {
      this.show(code ?? 'FACE_NOT_FOUND', r.t, 0.5 + 0.5 * this.gainProgress());
      return { kind: 'none' };
    }
    const gain = r.geometry.faceWidthPx / far.faceWidthPx;
    this.bestGain = Math.max(this.bestGain, gain);
    this.show('MOVE_CLOSER_STEP', r.t, 0.5 + 0.5 * this.gainProgress());
    if (gain >= this.challenge.approach.minScaleGain) {
      this.phaseNow = 'done';
      this.viewNow = { phase: 'done', code: 'HOLD_STILL', progress: 1 };
      return { kind: 'grab', role: 'near', t: r.t, quality: r.quality ?? 0, faceWidthPx: r.geometry.faceWidthPx, phase: 'approach' };
    }
    if (r.t - this.lastGrab >= this.cfg.seqIntervalMs && r.geometry.faceWidthPx >= this.cfg.minEvidenceFacePx) {
      this.lastGrab = r.t;
      return this.grab('candidate', r);
    }
    return { kind: 'none' };
  }

  /** After the `near` grab: the approach evidence for the capture token. */
  approachEvidence(near: FaceGeometry): { scaleGain: number; ratioChange: number } {
    const far = this.far!;
    return { scaleGain: round3(near.faceWidthPx / far.faceWidthPx), ratioChange: round3(ratioChange(far, near)) };
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

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
