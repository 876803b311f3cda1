/** Lighting check: face luminance window, blown-out pixels, back-light ratio. */
import type { CheckResult } from '../../protocol/index.ts';
import type { VisionConfig } from '../config.ts';
import type { FrameStats } from './frame-stats.ts';

/** value: the inner-face mean luma (0–255). */
export function lightingCheck(s: FrameStats, cfg: VisionConfig['lighting']): CheckResult {
  const value = s.faceLuma;
  if (s.faceLuma > cfg.maxFaceLuma || s.faceClippedFrac > cfg.maxClippedFrac) return { pass: false, value, code: 'TOO_BRIGHT' };
  // back-light first: a face darkened by a bright window behind it needs "turn to the light", not "find light"
  if (s.backgroundLuma >= cfg.minBacklightBgLuma && s.backgroundLuma / Math.max(1, s.faceLuma) > cfg.maxBacklightRatio) {
    return { pass: false, value, code: 'BACKLIT' };
  }
  if (s.faceLuma < cfg.minFaceLuma) return { pass: false, value, code: 'TOO_DARK' };
  return { pass: true, value };
}
