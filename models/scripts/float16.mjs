// Float16 copies of tfjs graph models: every float32 weight that is not already quantized is
// stored as IEEE 754 half precision (round to nearest, ties to even) and marked
// `quantization: { dtype: 'float16', original_dtype: 'float32' }`, which tfjs decodes back to
// float32 on load. Halves those weights' bytes; the graph itself is unchanged. Pure functions:
// copy-models.mjs writes the results and checks their sha256 against models/manifest.json.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `x` (round to nearest even; overflow → ±Infinity; NaN kept). */
export function toFloat16Bits(x) {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const man = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  // unbiased exponent, rebias for half (15)
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero): shift the implicit 1 in
    if (e < -10) return sign;
    const m = man | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (man >>> 13);
  const rem = man & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // may carry into the exponent: still correct
  return sign | h;
}

const BYTES = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * Every weight of `model` with its stored bytes: `{ w, n, q, src }` (spec, value count, its
 * quantization, a view of `bins` concatenated in manifest order). Throws on string weights and
 * when the manifest and the files disagree in size.
 */
export function* storedWeights(model, bins) {
  const all = Buffer.concat(bins.map((b) => Buffer.from(b)));
  let off = 0;
  for (const group of model.weightsManifest) {
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.dtype === 'string') throw new Error(`${w.name}: string weights are not supported`);
      const q = w.quantization;
      const size = n * (q ? BYTES[q.dtype] : BYTES[w.dtype]);
      const src = all.subarray(off, off + size);
      off += size;
      yield { w, n, q, src };
    }
  }
  if (off !== all.length) throw new Error(`weights manifest covers ${off} bytes, the files hold ${all.length}`);
}

/** A float32 weight's `n` values (`src`) as float16: its bytes and its new spec. */
export function halfWeight(w, src, n) {
  const f = new Float32Array(src.buffer.slice(src.byteOffset, src.byteOffset + 4 * n));
  const h = new Uint16Array(n);
  for (let i = 0; i < n; i++) h[i] = toFloat16Bits(f[i]);
  return { bytes: Buffer.from(h.buffer), spec: { ...w, quantization: { dtype: 'float16', original_dtype: 'float32' } } };
}

/**
 * `model`: the parsed model.json; `bins`: the weight files' bytes in manifest order (one entry per
 * path of every group). Returns the new model.json object and one .bin (all groups in one file
 * named `binName`). Strings and other dtypes are copied as they are.
 */
export function toFloat16(model, bins, binName) {
  const out = [];
  const weights = [];
  let converted = 0;
  for (const { w, n, q, src } of storedWeights(model, bins)) {
    if (!q && w.dtype === 'float32') {
      const { bytes, spec } = halfWeight(w, src, n);
      out.push(bytes);
      weights.push(spec);
      converted++;
    } else {
      out.push(src);
      weights.push(w);
    }
  }
  const json = { ...model, weightsManifest: [{ paths: [binName], weights }] };
  return { json, bin: Buffer.concat(out), converted };
}
