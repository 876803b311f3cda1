/**
 * The int8 form of a template, one rule for the index and the store: the L2-normalised vector
 * times one scale per dimension count, rounded and clamped to ±127. The store keeps this row
 * beside each template (postgres `templates.q8`), so a compact cache load copies 1 byte per
 * dimension instead of decoding 4.
 */
import { fromTemplateInto, type TemplateLike } from '../template.ts';

/** int8 units per 1.0: components of an L2-normalised vector rarely exceed 4/√dims */
export function int8Scale(dims: number): number {
  return (127 * Math.sqrt(dims)) / 4;
}

/** `v` times `scale`, rounded and clamped to ±127, written into `out` from `off`. */
export function quantiseInto<T extends Int8Array | Int16Array | Int32Array>(v: Float32Array, scale: number, out: T, off = 0): T {
  for (let i = 0; i < v.length; i++) {
    const x = Math.round(v[i] * scale);
    out[off + i] = x > 127 ? 127 : x < -127 ? -127 : x;
  }
  return out;
}

/** The template's int8 row (normalised, then quantised); null for a malformed template. */
export function compactRowOf(t: TemplateLike): Int8Array | null {
  const v = new Float32Array(t.dims);
  try {
    fromTemplateInto(t, t, v, 0);
  } catch {
    return null;
  }
  return quantiseInto(v, int8Scale(t.dims), new Int8Array(t.dims));
}
