import type { Challenge } from '../../protocol/index.ts';
import { randomIn } from '../random.ts';

/**
 * Server-chosen challenge: the oval's position/size and the approach gain vary per session so a
 * pre-recorded clip cannot match every session; the server measures each part on the evidence
 * (vision/challenge.ts). The turn (a random side) is asked only when `turn` is on (the verifier's
 * `challengeTurn`); the element guides it after the approach and uploads a `turn` frame.
 */
export function makeChallenge(o: { turn?: boolean } = {}): Challenge {
  const w = randomIn(0.42, 0.52);
  const turnPick = randomIn(0, 2);
  return {
    oval: { cx: randomIn(0.46, 0.54), cy: randomIn(0.42, 0.5), w, h: Math.min(1, Math.round(w * 1.3 * 1000) / 1000) },
    approach: { minScaleGain: randomIn(1.2, 1.35) },
    ...(o.turn ? { turn: turnPick < 1 ? ('left' as const) : ('right' as const) } : {}),
  };
}
