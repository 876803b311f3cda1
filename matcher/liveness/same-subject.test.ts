import { describe, expect, it } from 'vitest';
import { sameSubject, SAME_SUBJECT_MIN_COSINE } from './same-subject.ts';

function unit(...xs: number[]): Float32Array {
  const n = Math.hypot(...xs);
  return new Float32Array(xs.map((x) => x / n));
}

describe('sameSubject', () => {
  const a = unit(1, 0, 0);
  const a2 = unit(1, 0.2, 0); // cos ≈ 0.98
  const b = unit(0.6, 0.8, 0); // cos 0.6: someone else
  const tilted = unit(1, 0.6, 0); // cos ≈ 0.86: the same person's face tilted 40° back, as the embedder sees it
  it('accepts one person across the frames, frames without a face ignored', () => {
    const r = sameSubject([a, null, a2, a], 0);
    expect(r.same).toBe(true);
    expect(r.minCosine).toBeGreaterThan(SAME_SUBJECT_MIN_COSINE);
  });
  it('names the frames of another person', () => {
    const r = sameSubject([a, a2, b, a], 3);
    expect(r.same).toBe(false);
    expect(r.others).toEqual([2]);
  });
  it('a matched frame without an embedding is never "same"', () => {
    expect(sameSubject([null, a], 0).same).toBe(false);
  });
  it('a frame turned past the pose limits is left unjudged (without the exemption it fails the capture)', () => {
    const frames = [a, a2, a, tilted, a];
    expect(sameSubject(frames, 0).same).toBe(false);
    const r = sameSubject(frames, 0, { exempt: [false, false, false, true, false] });
    expect(r).toMatchObject({ same: true, others: [], unjudged: [3] });
  });
  it('someone else stays someone else in a judged frame, exemptions elsewhere or not', () => {
    const r = sameSubject([a, b, a, tilted], 0, { exempt: [false, false, false, true] });
    expect(r.same).toBe(false);
    expect(r.others).toEqual([1]);
    expect(r.undetermined).toBe(false);
    // someone else seen while most frames are turned: still a mismatch
    expect(sameSubject([a, b, b, b, tilted], 0, { exempt: [false, false, true, true, true] })).toMatchObject({ same: false, others: [1], undetermined: false });
  });
  it('more than half of the face frames unjudged: not "same" (the capture must show who it is of)', () => {
    const r = sameSubject([a, b, b, b, a2], 0, { exempt: [false, true, true, true, false] });
    expect(r.same).toBe(false);
    expect(r.others).toEqual([]);
    // nobody else was seen: the capture is undetermined (the person looked away), not a mismatch
    expect(r.undetermined).toBe(true);
    expect(sameSubject([a, b, b, a2, a], 0, { exempt: [false, true, true, false, false] }).same).toBe(true);
  });
});
