/** Eyes check: both eyes visible (not covered), open; optionally a blink seen. */
import type { CheckResult } from '../../protocol/index.ts';
import type { Box, FaceLandmarks } from '../../vision/types.ts';
import type { VisionConfig } from '../config.ts';
import type { FaceGeometry } from './geometry.ts';
import { MESH } from './geometry.ts';
import type { PatchStats } from './frame-stats.ts';

/** Patch around one eye: 1.3 × corner distance wide, 0.7 × tall (lids, lashes, brow gap). */
export function eyePatch(mesh: FaceLandmarks, e: { outer: number; inner: number }): Box {
  const m = mesh.points;
  const ax = m[3 * e.outer];
  const ay = m[3 * e.outer + 1];
  const bx = m[3 * e.inner];
  const by = m[3 * e.inner + 1];
  const w = Math.hypot(ax - bx, ay - by);
  const cx = (ax + bx) / 2;
  const cy = (ay + by) / 2;
  return { x: cx - 0.65 * w, y: cy - 0.35 * w, w: 1.3 * w, h: 0.7 * w };
}

export const EYE_PATCHES = (mesh: FaceLandmarks): { right: Box; left: Box } => ({ right: eyePatch(mesh, MESH.rightEye), left: eyePatch(mesh, MESH.leftEye) });

export interface EyesInput {
  geometry: FaceGeometry | null;
  /** luma stats of each eye patch */
  patches: { right: PatchStats; left: PatchStats } | null;
  faceLuma: number;
  blinkSeen: boolean;
}

/** value: the lower eye aspect ratio (0 when no eyes were measured). */
export function eyesCheck(i: EyesInput, cfg: VisionConfig['eyes']): CheckResult {
  const g = i.geometry;
  if (!g || !i.patches || g.earRight === 0) return { pass: false, value: 0, code: 'EYES_NOT_VISIBLE' };
  const covered = (p: PatchStats): boolean => p.std < cfg.minPatchStd || p.mean < cfg.minPatchLumaRatio * i.faceLuma;
  const ear = Math.min(g.earRight, g.earLeft);
  if (covered(i.patches.right) || covered(i.patches.left)) return { pass: false, value: ear, code: 'EYES_NOT_VISIBLE' };
  if (ear < cfg.closedEar) return { pass: false, value: ear, code: 'EYES_CLOSED' };
  if (cfg.requireBlink && !i.blinkSeen) return { pass: false, value: ear, code: 'NO_BLINK' };
  return { pass: true, value: ear };
}

/**
 * Blink detector over time: the mean EAR drops under `blinkDrop` × its running open-eye baseline
 * (or under closedEar) and comes back within blinkMinMs–blinkMaxMs.
 */
export class BlinkTracker {
  private baseline = 0;
  private closedAt: number | null = null;
  count = 0;
  lastBlinkT: number | null = null;
  constructor(private readonly cfg: VisionConfig['eyes']) {}

  /** Feeds one frame's mean EAR at time t (ms); returns true when a blink just completed. */
  update(ear: number, t: number): boolean {
    if (!(ear > 0)) {
      this.closedAt = null;
      return false;
    }
    const thr = Math.max(this.cfg.closedEar, this.baseline * this.cfg.blinkDrop);
    if (this.baseline === 0) this.baseline = ear;
    if (ear < thr) {
      this.closedAt ??= t;
      return false;
    }
    // slow baseline of open-eye EAR (only updated while open)
    this.baseline = 0.9 * this.baseline + 0.1 * ear;
    if (this.closedAt === null) return false;
    const dt = t - this.closedAt;
    this.closedAt = null;
    if (dt >= this.cfg.blinkMinMs && dt <= this.cfg.blinkMaxMs) {
      this.count++;
      this.lastBlinkT = t;
      return true;
    }
    return false;
  }

  reset(): void {
    this.baseline = 0;
    this.closedAt = null;
    this.count = 0;
    this.lastBlinkT = null;
  }
}
