// Int8 copies of tfjs graph models with one scale per output channel: every rank-4 float weight of
// at least MIN_ELEMENTS values (a convolution kernel [h, w, in, out], or a depthwise one
// [h, w, channels, 1]; the manifest entry may lower that bound) is stored as
// signed bytes, q = round(w / s_c) with s_c = max|w| over channel c / 127, its channel scales
// (float32, little-endian) in front of them, and marked `quantization: { dtype: 'int8-channel',
// original_dtype: 'float32', axis }`. Other float32 weights (biases, PReLU slopes, small
// kernels) are stored as float16 when they are not already; the rest is copied as it is. tfjs has no per-channel format (its uint8 one has a single scale per tensor, which
// loses CenterNet's detections): vision/int8-weights.ts decodes this one to float32 on load. Pure
// functions: copy-models.mjs writes the results and checks their sha256 against the manifest.

import { halfWeight, storedWeights } from './float16.mjs';

/**
 * Smaller kernels keep their bytes: they are a few percent of a model's size but most of its
 * depthwise and output layers. Measured on CenterNet (2026-12-02, 9 fit clips × 5 tablet
 * composites): all kernels in int8 changed 4 of 45 phone verdicts (scores moved by up to 0.113);
 * kernels under 20,000 values left as float16 changed none (0.009 at most) for 12 % more bytes.
 */
export const MIN_ELEMENTS = 20000;

/** The float value of IEEE 754 binary16 bits `h`. */
export function fromFloat16Bits(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 0x1f) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** The channel axis of a rank-4 kernel: `out` (3), or `channels` (2) for a depthwise [h, w, c, 1]. */
export function channelAxis(shape) {
  return shape[3] > 1 ? 3 : 2;
}

/**
 * `model`: the parsed model.json; `bins`: its weight files' bytes in manifest order; `o.minElements`
 * (the manifest entry's, default MIN_ELEMENTS): smaller kernels keep their values. Float32 weights
 * left out are stored as float16 (float16.mjs). Returns the new model.json object, one .bin named
 * `binName`, and how many weights were quantised.
 */
export function toInt8Channel(model, bins, binName, o = {}) {
  const minElements = o.minElements ?? MIN_ELEMENTS;
  const out = [];
  const weights = [];
  let converted = 0;
  for (const { w, n, q, src } of storedWeights(model, bins)) {
    if (w.dtype === 'float32' && !q && (w.shape.length !== 4 || n < minElements)) {
      const { bytes, spec } = halfWeight(w, src, n);
      out.push(bytes);
      weights.push(spec);
      continue;
    }
    if (w.dtype !== 'float32' || w.shape.length !== 4 || n < minElements || (q && q.dtype !== 'float16')) {
      out.push(src);
      weights.push(w);
      continue;
    }
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const value = q ? (i) => fromFloat16Bits(view.getUint16(2 * i, true)) : (i) => view.getFloat32(4 * i, true);
    const axis = channelAxis(w.shape);
    const C = w.shape[axis];
    const stride = axis === 3 ? 1 : w.shape[3];
    const max = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / stride) % C;
      max[c] = Math.max(max[c], Math.abs(value(i)));
    }
    const scales = new Float32Array(C);
    for (let c = 0; c < C; c++) scales[c] = max[c] / 127;
    const bytes = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const s = scales[Math.floor(i / stride) % C];
      bytes[i] = s > 0 ? Math.max(-127, Math.min(127, Math.round(value(i) / s))) : 0;
    }
    const head = Buffer.alloc(4 * C);
    for (let c = 0; c < C; c++) head.writeFloatLE(scales[c], 4 * c);
    out.push(head, Buffer.from(bytes.buffer));
    weights.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'int8-channel', original_dtype: 'float32', axis } });
    converted++;
  }
  const json = { ...model, weightsManifest: [{ paths: [binName], weights }] };
  return { json, bin: Buffer.concat(out), converted };
}
