import { KitError, type Template } from '../protocol/index.ts';

/** The model a template was made by; compared field by field before any score is computed. */
export interface ModelId { model: string; version: string; dims: number }

export function sameModel(a: ModelId, b: ModelId): boolean {
  return a.model === b.model && a.version === b.version && a.dims === b.dims;
}

/** A template header plus its bytes (wire or stored). */
export interface TemplateLike extends ModelId { dtype: 'f32' | 'i8'; data: Uint8Array }

/** Serialises an embedding as a wire/stored template (f32 little-endian). */
export function toTemplate(m: ModelId, v: Float32Array): Template {
  const data = new Uint8Array(v.length * 4);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < v.length; i++) dv.setFloat32(i * 4, v[i], true);
  return { model: m.model, version: m.version, dims: m.dims, dtype: 'f32', data };
}

/**
 * Validates a template against the expected model and returns its L2-normalised vector.
 * Throws TEMPLATE_MODEL_MISMATCH for another model, SCHEMA_VIOLATION for a malformed payload.
 */
export function fromTemplate(t: TemplateLike, expected: ModelId): Float32Array {
  const v = new Float32Array(t.dims);
  fromTemplateInto(t, expected, v, 0);
  return v;
}

/**
 * The template's normalised vector written into `out` at `off` (the cache load decodes a whole
 * page into one buffer this way, with no object per row); same checks as fromTemplate.
 */
export function fromTemplateInto(t: TemplateLike, expected: ModelId, out: Float32Array, off: number): void {
  if (!sameModel(t, expected)) throw new KitError('TEMPLATE_MODEL_MISMATCH', `template is from ${t.model}@${t.version}/${t.dims}, this matcher uses ${expected.model}@${expected.version}/${expected.dims}`);
  const bytesPer = t.dtype === 'f32' ? 4 : 1;
  if (t.data.byteLength !== t.dims * bytesPer) throw new KitError('SCHEMA_VIOLATION', 'template data length does not match dims and dtype');
  // little-endian hosts (every platform Node runs on): an aligned f32 template is read in place;
  // one monomorphic loop per case (the cache load runs this once per stored template)
  let s = 0;
  if (t.dtype === 'f32' && t.data.byteOffset % 4 === 0) {
    const f32 = new Float32Array(t.data.buffer, t.data.byteOffset, t.dims);
    for (let i = 0; i < t.dims; i++) { const x = f32[i]; out[off + i] = x; s += x * x; }
  } else if (t.dtype === 'f32') {
    const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let i = 0; i < t.dims; i++) { const x = dv.getFloat32(i * 4, true); out[off + i] = x; s += x * x; }
  } else {
    const i8 = new Int8Array(t.data.buffer, t.data.byteOffset, t.dims);
    for (let i = 0; i < t.dims; i++) { const x = i8[i] / 127; out[off + i] = x; s += x * x; }
  }
  // one test for the whole vector: a NaN or ±Infinity anywhere makes the sum non-finite
  if (!Number.isFinite(s)) throw new KitError('SCHEMA_VIOLATION', 'template contains a non-finite value');
  if (s === 0) throw new KitError('SCHEMA_VIOLATION', 'template is the zero vector');
  const n = Math.sqrt(s);
  for (let i = 0; i < t.dims; i++) out[off + i] /= n;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
