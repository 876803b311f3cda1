import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { toFloat16, toFloat16Bits } from './float16.mjs';

/** Reference decoder (IEEE 754 binary16 → number). */
function fromBits(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

describe('float16 weights', () => {
  it('encodes exactly representable values exactly and rounds the rest to the nearest half', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -(2 ** -14), 2 ** -24, 3.140625]) expect(fromBits(toFloat16Bits(v))).toBe(v);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(fromBits(toFloat16Bits(1e6))).toBe(Infinity);
    expect(Number.isNaN(fromBits(toFloat16Bits(Number.NaN)))).toBe(true);
    // ties to even: 1 + 2^-11 sits halfway between 1 and 1 + 2^-10
    expect(fromBits(toFloat16Bits(1 + 2 ** -11))).toBe(1);
    expect(fromBits(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 * 2 ** -10);
    for (let i = 0; i < 2000; i++) {
      const v = (Math.sin(i * 12.9898) * 43758.5453) % 50;
      expect(Math.abs(fromBits(toFloat16Bits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });

  it('converts float32 weights, keeps quantized and int32 ones, and rewrites the manifest', () => {
    const a = new Float32Array([0.25, -1.5, 3]);
    const b = new Int32Array([7, -8]);
    const c = new Uint16Array([0x3c00]); // already float16: 1.0
    const model = {
      format: 'graph-model',
      weightsManifest: [
        { paths: ['m.bin'], weights: [{ name: 'a', shape: [3], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'int32' }, { name: 'c', shape: [1], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } }] },
      ],
    };
    const bin = Buffer.concat([Buffer.from(a.buffer), Buffer.from(b.buffer), Buffer.from(c.buffer)]);
    const r = toFloat16(model, [bin], 'm-f16.bin');
    expect(r.converted).toBe(1);
    expect(r.bin.length).toBe(3 * 2 + 2 * 4 + 2);
    expect(r.json.weightsManifest[0].paths).toEqual(['m-f16.bin']);
    expect(r.json.weightsManifest[0].weights[0].quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
    const halves = new Uint16Array(r.bin.buffer.slice(r.bin.byteOffset, r.bin.byteOffset + 6));
    expect([...halves].map(fromBits)).toEqual([0.25, -1.5, 3]);
    expect([...new Int32Array(r.bin.buffer.slice(r.bin.byteOffset + 6, r.bin.byteOffset + 14))]).toEqual([7, -8]);
    expect(() => toFloat16(model, [bin.subarray(0, 10)], 'x.bin')).toThrow(/covers/);
  });
});
