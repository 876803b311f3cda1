/**
 * Binds liveness to identity: every evidence frame with a face must show the person in the frame
 * the server matches. One frame of someone else (a victim's photo swapped into an attacker's live
 * sequence) fails the whole capture.
 */
import { cosine } from '../template.ts';

/**
 * Cosine (dlib, L2-normalised) every face frame must reach against the matched frame. Measured on
 * 81 bona fide evidence windows of the fit fixtures (video/live, more/video/live2; 10 frames each,
 * approach zoom included): lowest pairwise cosine 0.901. Impostor pairs on the fixtures average
 * 0.835 with FAR 1% at 0.906 (score-calibration.ts), so 0.89 lets about 4% of random other people
 * through this check alone (normal fit); the matched frame still has to reach +50 on its own.
 */
export const SAME_SUBJECT_MIN_COSINE = 0.89;

export interface SameSubject {
  same: boolean;
  /** lowest cosine of a face frame against the matched one (1 with a single face frame) */
  minCosine: number;
  /** indices (into the evidence) of the frames that are someone else */
  others: number[];
}

/** `embeddings[i]` is frame i's embedding, or null when it has no usable face. */
export function sameSubject(embeddings: readonly (Float32Array | null)[], matched: number, minCosine = SAME_SUBJECT_MIN_COSINE): SameSubject {
  const ref = embeddings[matched];
  if (!ref) return { same: false, minCosine: Number.NaN, others: [] };
  let lo = 1;
  const others: number[] = [];
  embeddings.forEach((e, i) => {
    if (!e || i === matched) return;
    const c = cosine(ref, e);
    lo = Math.min(lo, c);
    if (c < minCosine) others.push(i);
  });
  return { same: others.length === 0, minCosine: lo, others };
}
