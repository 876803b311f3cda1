/**
 * Binds liveness to identity: every evidence frame with a face must show the person in the frame
 * the server matches. One frame of someone else (a victim's photo swapped into an attacker's live
 * sequence) fails the whole capture.
 *
 * A passive frame whose head is turned past the matcher's own pose limits (the `POSE` quality
 * issue: the embedder cannot tell who a face tilted 40° back is) carries no identity and is not
 * judged, within bounds that keep the binding: the approach pair (`far`, `near`) is always judged,
 * and when more than half of the face frames would go unjudged the capture is not "same".
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
  /** lowest cosine of a judged face frame against the matched one (1 with a single face frame) */
  minCosine: number;
  /** indices (into the evidence) of the frames that are someone else */
  others: number[];
  /** indices of the face frames left unjudged (turned past the pose limits) */
  unjudged: number[];
  /**
   * not "same" only because more than half of the face frames were turned past the pose limits: no
   * frame showed someone else, but too few face the camera to tell (FACE_NOT_FRONTAL, not
   * IDENTITY_MISMATCH)
   */
  undetermined: boolean;
}

export interface SubjectOptions {
  minCosine?: number;
  /** `exempt[i]`: frame i may go unjudged (a passive frame turned past the pose limits) */
  exempt?: readonly boolean[];
}

/** `embeddings[i]` is frame i's embedding, or null when it has no usable face. */
export function sameSubject(embeddings: readonly (Float32Array | null)[], matched: number, o: SubjectOptions = {}): SameSubject {
  const minCosine = o.minCosine ?? SAME_SUBJECT_MIN_COSINE;
  const ref = embeddings[matched];
  if (!ref) return { same: false, minCosine: Number.NaN, others: [], unjudged: [], undetermined: false };
  let lo = 1;
  const others: number[] = [];
  const unjudged: number[] = [];
  let faces = 0;
  embeddings.forEach((e, i) => {
    if (!e) return;
    faces++;
    if (i === matched) return;
    if (o.exempt?.[i]) {
      unjudged.push(i);
      return;
    }
    const c = cosine(ref, e);
    lo = Math.min(lo, c);
    if (c < minCosine) others.push(i);
  });
  // half the face frames at least must show who the capture is of
  const enough = unjudged.length * 2 <= faces;
  return { same: others.length === 0 && enough, minCosine: lo, others, unjudged, undetermined: others.length === 0 && !enough };
}
