/**
 * padFromFrames: the PAD decision over decoded evidence frames. The matcher's POST /liveness calls
 * it with the JPEG evidence frames (and landmarks it extracted itself); the element calls the same
 * function on device for early feedback. Signals the frames cannot show are simply absent.
 */
import type { PadReason } from '../../protocol/pad-reasons.ts';
import type { DetectedObject } from '../types.ts';
import type { CameraRiskInput } from './camera.ts';
import { extractFeatures, type ExtractedFeatures, type FeatureOptions, type PadFrame } from './features.ts';
import { screenOverlap } from './objects.ts';
import { frozenScene } from './frozen-frames.ts';
import { FEATURE_REASON, fuse, type FusionResult, type Features, type PadWeights } from './fusion.ts';
import trained from './weights.json' with { type: 'json' };

export type { PadFrame } from './features.ts';

/** The committed model produced by pad/train.ts. */
export const PAD_WEIGHTS = trained as PadWeights;
/**
 * Its single-frame twin (same script, trained on one frame per sample plus bona fide photos): one
 * frame shows no motion or approach, so the sequence model's bias does not fit it.
 */
export const PAD_SINGLE_WEIGHTS = (trained as { single?: PadWeights }).single ?? PAD_WEIGHTS;

export interface PadOptions extends FeatureOptions {
  /** default: PAD_SINGLE_WEIGHTS for exactly one frame, else PAD_WEIGHTS */
  weights?: PadWeights;
  /** client-reported camera signals: only ever lower the score */
  camera?: CameraRiskInput;
  /** without a far/near pair whose face grows ≥ minScaleGain, the capture is not live (default true) */
  requireApproach?: boolean;
  /**
   * one frame: answer the single-frame model's own decision and grade instead of capping it under
   * the threshold (the single-image API, BioDoc 1.0, docs/single-image.md). `PAD_SINGLE_FRAME`
   * is still reported: the evidence is one still. Never used by the capture flow.
   */
  singleImage?: boolean;
}

export interface PadResult {
  /** 0–100, ≥ 50 at the operating threshold */
  liveness: number;
  live: boolean;
  /** reason codes of the signals that pulled the score down, strongest first */
  reasons: PadReason[];
  /** raw signal values, their weighted log-odds, the approach pair's face growth, the largest aligned frame change */
  signals: { features: Features; contributions: FusionResult['contributions']; scaleGain: number; alignedMax?: number; alignedSpread?: number; alignedApproach?: number; screenObject?: number };
}

/** Every signal the frames allow, before the object detections are known (padSignals). */
export interface PadSignals {
  ex: ExtractedFeatures;
  frames: number;
}

/** Computes every signal the frames allow and fuses them with the trained weights. */
export function padFromFrames(frames: readonly PadFrame[], objects?: readonly DetectedObject[], o: PadOptions = {}): PadResult {
  return padDecide(padSignals(frames, o), objects, o);
}

/**
 * The costly half of padFromFrames: the frames' signals, which do not need the object detector's
 * answer — a caller computes them while the detector runs, then calls padDecide.
 */
export function padSignals(frames: readonly PadFrame[], o: PadOptions = {}): PadSignals {
  // the head-turn frame answers the session's challenge (vision/challenge.ts), not the PAD: the
  // fusion was fitted without it, and a head turned on request would read as parallax and motion
  const used = frames.filter((f) => f.role !== 'turn');
  return { ex: extractFeatures(used, undefined, o), frames: used.length };
}

/** The other half: the screen objects over the face, the fusion and the policy (vetoes, caps, reasons). */
export function padDecide(s: PadSignals, objects?: readonly DetectedObject[], o: PadOptions = {}): PadResult {
  const w = o.weights ?? (s.frames === 1 ? PAD_SINGLE_WEIGHTS : PAD_WEIGHTS);
  const ex = objects && s.ex.screenBox ? { ...s.ex, screenObject: screenOverlap(objects, s.ex.screenBox) } : s.ex;
  const r = fuse(ex.features, w, { screenObject: ex.screenObject, camera: o.camera });
  const byWeight = (a: PadReason, b: PadReason) => weightOf(r, a) - weightOf(r, b);
  const reasons = [...r.reasons].sort(byWeight);
  if (!r.live && !reasons.length) {
    // below the threshold with no single signal past reasonAt (the floors keep each one small):
    // name the one that pulled down most, so a refusal always says why
    const worst = Object.entries(r.contributions).reduce<[string, number] | undefined>((m, [k, v]) => (v !== undefined && v < 0 && (!m || v < m[1]) ? [k, v] : m), undefined);
    const code = worst && reasonOf(worst[0]);
    if (code) reasons.push(code);
  }
  let { liveness, live } = r;
  if (ex.faces === 0) {
    reasons.unshift('PAD_NO_FACE');
    live = false;
    liveness = 0;
  } else if (frozenScene(ex)) {
    // veto: every frame is one picture up to a similarity (a still fed as the camera, digitally
    // zoomed for the approach); no texture or context signal can make that a live face
    if (!reasons.includes('PAD_FROZEN_FRAMES')) reasons.unshift('PAD_FROZEN_FRAMES');
    live = false;
    liveness = Math.min(liveness, 10);
    if ((o.requireApproach ?? true) && !ex.approach) reasons.push('PAD_APPROACH_MISSING');
  } else if ((o.requireApproach ?? true) && !ex.approach) {
    reasons.push('PAD_APPROACH_MISSING');
    live = false;
    liveness = Math.min(liveness, 49);
  }
  if (s.frames === 1 && o.singleImage) {
    reasons.push('PAD_SINGLE_FRAME');
  } else if (s.frames === 1) {
    // one photo cannot carry liveness (docs/pad-model-card.md "Single frames"): the single-frame
    // model only grades how attack-like it looks, below the threshold
    reasons.push('PAD_SINGLE_FRAME');
    live = false;
    liveness = Math.min(liveness, 49);
  }
  return { liveness, live, reasons, signals: { features: ex.features, contributions: r.contributions, scaleGain: ex.scaleGain, alignedMax: ex.alignedMax, alignedSpread: ex.alignedSpread, alignedApproach: ex.alignedApproach, screenObject: ex.screenObject } };
}

function weightOf(r: FusionResult, code: PadReason): number {
  for (const [k, v] of Object.entries(r.contributions)) if (v !== undefined && reasonOf(k) === code) return v;
  return 0;
}

function reasonOf(k: string): PadReason | undefined {
  if (k === 'screenObject') return 'PAD_SCREEN_OBJECT';
  if (k === 'camera') return 'PAD_CAMERA_RISK';
  return (FEATURE_REASON as Record<string, PadReason>)[k];
}
