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
});
