import { describe, expect, it } from 'vitest';
import { checkChallenge, ovalDistance, yawOf, type ChallengeFrame } from './challenge.ts';

const challenge = { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.3 } };

function frame(role: string, cx: number, cy: number, yawDeg = 0): ChallengeFrame {
  const points = new Float32Array(468 * 3);
  // cheeks 234 (right) and 454 (left) 100 px apart, depth difference giving the yaw
  points.set([200, 200, 0], 234 * 3);
  points.set([300, 200, 100 * Math.tan((yawDeg * Math.PI) / 180)], 454 * 3);
  return { role, width: 480, height: 480, box: { x: cx * 480 - 60, y: cy * 480 - 80, w: 120, h: 160 }, points };
}

describe('checkChallenge', () => {
  it('passes a centred far frame with the asked approach', () => {
    expect(checkChallenge([frame('far', 0.5, 0.45), frame('near', 0.5, 0.45)], challenge, 1.32)).toEqual({ met: true, reasons: [] });
  });
  it('fails a far frame outside the oval, a missing far face, a short approach', () => {
    expect(checkChallenge([frame('far', 0.95, 0.45)], challenge, 1.4).reasons).toEqual(['CHALLENGE_OVAL']);
    expect(checkChallenge([frame('seq', 0.5, 0.45)], challenge, 1.4).reasons).toEqual(['CHALLENGE_OVAL']);
    expect(checkChallenge([frame('far', 0.5, 0.45)], challenge, 1.05).reasons).toEqual(['CHALLENGE_APPROACH']);
    expect(checkChallenge([frame('far', 0.5, 0.45)], challenge, Number.NaN).reasons).toEqual(['CHALLENGE_APPROACH']);
  });
  it('asks the turn only when the challenge has one, in the asked direction', () => {
    const turn = { ...challenge, turn: 'left' as const };
    expect(checkChallenge([frame('far', 0.5, 0.45), frame('seq', 0.5, 0.45, 20)], turn, 1.4).met).toBe(true);
    expect(checkChallenge([frame('far', 0.5, 0.45), frame('seq', 0.5, 0.45, -20)], turn, 1.4).reasons).toEqual(['CHALLENGE_TURN']);
    expect(checkChallenge([frame('far', 0.5, 0.45)], turn, 1.4).reasons).toEqual(['CHALLENGE_TURN']);
    // a turn only on a frame the one-person check could not judge (turned past the pose limits, or
    // no embedding) is a face nobody bound to the person: it does not count
    expect(checkChallenge([frame('far', 0.5, 0.45), { ...frame('turn', 0.5, 0.45, 20), judged: false }], turn, 1.4).reasons).toEqual(['CHALLENGE_TURN']);
    expect(checkChallenge([frame('far', 0.5, 0.45), { ...frame('turn', 0.5, 0.45, 20), judged: true }], turn, 1.4).met).toBe(true);
  });
  it('measures yaw and oval distance', () => {
    expect(yawOf(frame('seq', 0.5, 0.5, 30).points!)).toBeCloseTo(30, 3);
    expect(ovalDistance({ x: 190, y: 136, w: 100, h: 160 }, 480, 480, challenge.oval)).toBeCloseTo(0.0, 1);
  });
});
