/**
 * Memory read bandwidth as the SIMD scan sees it: a WebAssembly SIMD loop summing a large buffer
 * with four independent 16-byte loads per iteration (the bench's reference for "% of bandwidth").
 */
import { leb, section, str } from '../index/int8-dot-wasm.ts';

const SIMD = 0xfd;
const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i];
const load = (offset: number) => [SIMD, 0x00, 0x00, ...leb(offset)];
const add4 = [SIMD, 0xae, 0x01];
// params: 0 ptr, 1 end · locals: 2..5 four v128 accumulators
const body = [
  0x03, 0x40,
  ...[0, 16, 32, 48].flatMap((off, k) => [...get(2 + k), ...get(0), ...load(off), ...add4, ...set(2 + k)]),
  ...get(0), 0x41, 0xc0, 0x00, 0x6a, 0x22, 0, ...get(1), 0x49, 0x0d, 0, // ptr += 64 (signed LEB128)
  0x0b,
  ...get(2), ...get(3), ...add4, ...get(4), ...add4, ...get(5), ...add4, SIMD, 0x1b, 0,
  0x0b,
];
const func = [1, 4, 0x7b, ...body];
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
  ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 0x01]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('read'), 0x00, 0]),
  ...section(10, [1, ...leb(func.length), ...func]),
]);

/** GB/s reading `mib` MiB with WebAssembly SIMD, best of `rounds`. */
export function simdReadBandwidth(mib = 256, rounds = 5): number {
  const bytes = mib * 1024 * 1024;
  const mem = new WebAssembly.Memory({ initial: bytes / 65536 + 1 });
  new Uint8Array(mem.buffer).fill(1);
  const read = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { mem } }).exports.read as (p: number, e: number) => number;
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    read(0, bytes);
    best = Math.min(best, performance.now() - t);
  }
  return bytes / 1e9 / (best / 1000);
}
