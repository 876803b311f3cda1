import { describe, expect, it } from 'vitest';
import { instantiateDot } from './int8-dot-wasm.ts';

/** Runs the wasm kernel over rows of int8 and a query of int16, in one fresh memory. */
function wasmScores(q: Int16Array, m: Int8Array, n: number, dims: number, shared: boolean): Int32Array {
  const memory = shared ? new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true }) : new WebAssembly.Memory({ initial: 4 });
  const dot = instantiateDot(memory, shared);
  if (!dot) throw new Error('no wasm SIMD here: the kernel cannot be tested');
  const qAt = 0, mAt = 4096, outAt = mAt + m.length + 64;
  new Int16Array(memory.buffer, qAt, q.length).set(q);
  new Int8Array(memory.buffer, mAt, m.length).set(m);
  dot(qAt, mAt, n, dims, outAt);
  return new Int32Array(memory.buffer, outAt, n).slice();
}

describe('int8 dot kernel (wasm SIMD)', () => {
  // no rows, one, a few, and the dims the matcher uses (multiples of 16)
  it.each([[16, 0], [16, 1], [16, 3], [16, 4], [128, 5], [192, 7], [192, 8], [192, 13], [32, 30]])('dims %i, %i rows: every score equals Σ q·m', (dims, n) => {
    let seed = dims * 1000 + n + 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    const q = Int16Array.from({ length: dims }, () => Math.round((rnd() * 2 - 1) * 32767));
    const m = Int8Array.from({ length: n * dims }, () => Math.round((rnd() * 2 - 1) * 127));
    m[0] = -128; // the extremes too
    if (n) q[0] = -32768;
    const want = Array.from({ length: n }, (_, r) => { let s = 0; for (let i = 0; i < dims; i++) s += q[i] * m[r * dims + i]; return s | 0; });
    for (const shared of [false, true]) expect(Array.from(wasmScores(q, m, n, dims, shared))).toEqual(want);
  });
});
