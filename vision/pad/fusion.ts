/**
 * Fusion: every signal becomes a calibrated log-odds (per-signal logistic calibration learned by
 * pad/train.ts), a logistic model with non-negative weights combines them, and the operating
 * threshold maps to liveness 50. Missing signals contribute 0 (no evidence either way). Client
 * reported risk (camera provenance) and context (screen objects) only ever subtract.
 */
import type { PadReason } from '../../protocol/pad-reasons.ts';
import { cameraRisk, type CameraRiskInput } from './camera.ts';

export const FEATURE_NAMES = ['planar', 'perspective', 'nonrigid', 'blink', 'motion', 'aligned', 'moire', 'detail', 'glare', 'chroma', 'banding', 'edges', 'backdrop', 'relief'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Partial<Record<FeatureName, number>>;

/** Reason code each signal reports when it pulls the score down. */
export const FEATURE_REASON: Record<FeatureName, PadReason> = {
  planar: 'PAD_PLANAR_MOTION',
  perspective: 'PAD_NO_PERSPECTIVE_CHANGE',
  nonrigid: 'PAD_RIGID_FACE',
  blink: 'PAD_NO_BLINK',
  motion: 'PAD_FROZEN_FRAMES',
  aligned: 'PAD_FROZEN_FRAMES',
  moire: 'PAD_MOIRE',
  detail: 'PAD_LOW_DETAIL',
  glare: 'PAD_GLARE',
  chroma: 'PAD_CHROMA',
  banding: 'PAD_BANDING',
  edges: 'PAD_FRAME_EDGES',
  backdrop: 'PAD_BACKGROUND_MOVES_WITH_FACE',
  relief: 'PAD_NO_PERSPECTIVE_CHANGE',
};

export interface FeatureModel {
  name: FeatureName;
  /** raw value is clamped to [lo, hi] (training range) before calibration */
  lo: number;
  hi: number;
  /** calibrated log-odds = a·x + b, clamped to ±maxLogOdds */
  a: number;
  b: number;
  /** fusion weight (≥ 0) */
  weight: number;
  /**
   * upper bound of the calibrated log-odds (default +maxLogOdds). 0 for artifact signals (moiré,
   * glare, edges …): their absence is no evidence of life (a tight crop of a print has no border),
   * so they can only subtract
   */
  cap?: number;
  /**
   * lower bound of the weighted contribution (default none). Artifact signals have one: a door
   * frame behind a person or a highlight on a bald head must not refuse a live face on its own;
   * it takes a second signal (or geometry) to agree
   */
  floor?: number;
}

export interface PadWeights {
  version: 1;
  features: FeatureModel[];
  bias: number;
  /** operating threshold on the fused log-odds; liveness 50 sits here */
  threshold: number;
  maxLogOdds: number;
  /** a signal whose weighted log-odds is ≤ −reasonAt reports its reason code */
  reasonAt: number;
  /** log-odds per unit of screen-object score over the face (≤ 0; prior, see the model card) */
  screenObjectLogOdds: number;
  /** free-form provenance: seed, data counts, figures */
  training: Record<string, unknown>;
}

export interface RiskInputs {
  /** highest screen-like object score over the face (server's own detector), 0–1 */
  screenObject?: number;
  /** client-reported camera signals: can only lower the score */
  camera?: CameraRiskInput;
}

export interface FusionResult {
  /** fused log-odds minus threshold (> 0 live) */
  margin: number;
  /** 0–100; ≥ 50 at the operating threshold */
  liveness: number;
  live: boolean;
  reasons: PadReason[];
  /** weighted log-odds of each signal present */
  contributions: Partial<Record<FeatureName | 'screenObject' | 'camera', number>>;
}

/** Calibrated log-odds of one raw signal value (NaN/undefined → 0). */
export function calibrate(m: FeatureModel, x: number | undefined, maxLogOdds: number): number {
  if (x === undefined || !Number.isFinite(x)) return 0;
  const v = Math.min(m.hi, Math.max(m.lo, x));
  return Math.max(-maxLogOdds, Math.min(m.cap ?? maxLogOdds, maxLogOdds, m.a * v + m.b));
}

/** Fused decision over whatever signals are present. */
export function fuse(f: Features, w: PadWeights, risk: RiskInputs = {}): FusionResult {
  let s = w.bias;
  const contributions: FusionResult['contributions'] = {};
  const reasons: PadReason[] = [];
  for (const m of w.features) {
    const x = f[m.name];
    if (x === undefined || !Number.isFinite(x)) continue;
    const c = Math.max(m.floor ?? -Infinity, m.weight * calibrate(m, x, w.maxLogOdds));
    contributions[m.name] = c;
    s += c;
    if (c <= -w.reasonAt) reasons.push(FEATURE_REASON[m.name]);
  }
  if (risk.screenObject !== undefined && risk.screenObject > 0) {
    const c = Math.min(0, w.screenObjectLogOdds * Math.min(1, risk.screenObject));
    contributions.screenObject = c;
    s += c;
    if (c <= -w.reasonAt) reasons.push('PAD_SCREEN_OBJECT');
  }
  if (risk.camera) {
    const c = Math.min(0, cameraRisk(risk.camera));
    contributions.camera = c;
    s += c;
    if (c < 0) reasons.push('PAD_CAMERA_RISK');
  }
  const margin = s - w.threshold;
  const live = margin >= 0;
  // keep the rounding on the right side of 50 so `live` and `liveness >= 50` always agree
  const p = Math.round(100 / (1 + Math.exp(-margin)));
  return { margin, liveness: live ? Math.max(50, p) : Math.min(49, p), live, reasons, contributions };
}
