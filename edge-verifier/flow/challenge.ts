import type { Challenge } from '../../protocol/index.ts';
import { randomIn } from '../random.ts';

/**
 * Server-chosen challenge: the oval's position/size and the approach gain vary per session so a
 * pre-recorded clip cannot match every session; the optional turn adds a direction to follow.
 */
export function makeChallenge(): Challenge {
  const w = randomIn(0.42, 0.52);
  const turnPick = randomIn(0, 3);
  return {
    oval: { cx: randomIn(0.46, 0.54), cy: randomIn(0.42, 0.5), w, h: Math.min(1, Math.round(w * 1.3 * 1000) / 1000) },
    approach: { minScaleGain: randomIn(1.2, 1.35) },
    ...(turnPick < 1 ? { turn: 'left' as const } : turnPick < 2 ? { turn: 'right' as const } : {}),
  };
}
