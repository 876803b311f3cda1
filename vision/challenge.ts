/**
 * The session challenge, measured on the server from its own detections: the face sat inside the
 * session's oval when the approach began, it grew by the asked gain, and (when asked) the head
 * turned the asked way. Pure: decoded boxes and meshes in, a verdict and reason codes out.
 */
import type { Challenge } from '../protocol/index.ts';
import type { Box } from './types.ts';

/** One evidence frame as the challenge check sees it. */
export interface ChallengeFrame {
  role: string;
  width: number;
  height: number;
  /** the detected face box (the largest face), null without a face */
  box: Box | null;
  /** 468-point mesh (x, y, z stride 3), null without one */
  points: ArrayLike<number> | null;
  /**
   * false: the one-person check could not judge this frame (no embedding, or turned past the
   * matcher's pose limits). A turn shown only on such a frame does not count: it would be a face
   * nobody bound to the person (default true)
   */
  judged?: boolean;
}

export const CHALLENGE_REASONS = ['CHALLENGE_OVAL', 'CHALLENGE_APPROACH', 'CHALLENGE_TURN'] as const;
export type ChallengeReason = (typeof CHALLENGE_REASONS)[number];

/** Tolerances: the server's detector is not the device's, so the bounds are looser than the guide. */
export const CHALLENGE_TOLERANCE = {
  /** normalised ellipse distance of the far frame's face centre from the oval centre (1 = on the oval) */
  ovalRadius: 1.35,
  /** share of the asked approach gain (above 1) the server must see */
  approachShare: 0.5,
  /** head yaw (degrees) in the asked direction on at least one frame */
  turnDeg: 12,
} as const;

const CHEEK_RIGHT = 234;
const CHEEK_LEFT = 454;

/** Yaw in degrees from the cheek points' depth difference (positive: turned to the subject's left). */
export function yawOf(points: ArrayLike<number>): number {
  const rx = points[CHEEK_RIGHT * 3], ry = points[CHEEK_RIGHT * 3 + 1], rz = points[CHEEK_RIGHT * 3 + 2];
  const lx = points[CHEEK_LEFT * 3], ly = points[CHEEK_LEFT * 3 + 1], lz = points[CHEEK_LEFT * 3 + 2];
  return (Math.atan2(lz - rz, Math.hypot(lx - rx, ly - ry)) * 180) / Math.PI;
}

/** Normalised distance of a box centre from the oval (fractions of the frame; 1 = on its edge). */
export function ovalDistance(box: Box, width: number, height: number, oval: Challenge['oval']): number {
  const cx = (box.x + box.w / 2) / width;
  const cy = (box.y + box.h / 2) / height;
  return Math.hypot((cx - oval.cx) / (oval.w / 2), (cy - oval.cy) / (oval.h / 2));
}

/**
 * `scaleGain` is the far→near face growth the PAD measured from the server's meshes (NaN when it
 * could not). Answers the reasons that failed, in the challenge's order.
 */
export function checkChallenge(frames: readonly ChallengeFrame[], challenge: Challenge, scaleGain: number): { met: boolean; reasons: ChallengeReason[] } {
  const reasons: ChallengeReason[] = [];
  const far = frames.find((f) => f.role === 'far' && f.box);
  if (!far || !far.box || ovalDistance(far.box, far.width, far.height, challenge.oval) > CHALLENGE_TOLERANCE.ovalRadius) reasons.push('CHALLENGE_OVAL');
  const need = 1 + (challenge.approach.minScaleGain - 1) * CHALLENGE_TOLERANCE.approachShare;
  if (!(scaleGain >= need)) reasons.push('CHALLENGE_APPROACH');
  if (challenge.turn) {
    const sign = challenge.turn === 'left' ? 1 : -1;
    const turned = frames.some((f) => f.points && f.judged !== false && sign * yawOf(f.points) >= CHALLENGE_TOLERANCE.turnDeg);
    if (!turned) reasons.push('CHALLENGE_TURN');
  }
  return { met: reasons.length === 0, reasons };
}
