/**
 * WebAssembly SIMD int8 dot-product kernel (TOOLCHAIN.md's measured winner for exact 1:N search):
 * scores[r] = Σ q16[i] · m8[r·dims + i] for every row, via i32x4.dot_i16x8_s. The module is a few
 * hand-assembled bytes (no toolchain at build time); dims must be a multiple of 16.
 */

/** Unsigned LEB128, the integer encoding of the wasm binary format. */
export const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
/** A wasm section: id, byte length, body. */
export const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
/** A wasm name: length-prefixed UTF-8. */
export const str = (s: string) => [...leb(s.length), ...Buffer.from(s)];

// locals: 0 q, 1 m, 2 n, 3 dims, 4 out (params) · 5 r, 6 i (i32) · 7 acc, 8 acc2 (v128, two chains)
const SIMD = 0xfd;
const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
// i32.const takes signed LEB128: the small constants used here (< 64) encode the same as unsigned
const i32c = (v: number) => { if (v >= 64) throw new Error('i32c: constant too large'); return [0x41, ...leb(v)]; };
const load = (offset: number) => [SIMD, 0x00, 0x00, ...leb(offset)];
// v128.load8x8_s: load 8 int8 and sign-extend to i16x8 in one instruction (pmovsxbw)
const load8x8 = (offset: number) => [SIMD, 0x01, 0x00, ...leb(offset)];
const dot = [SIMD, 0xba, 0x01], add4 = [SIMD, 0xae, 0x01];
const lane = (k: number) => [SIMD, 0x1b, k];
const qAddr = [...get(0), ...get(6), ...i32c(1), 0x74, 0x6a]; // q + 2i

const body = [
  0x02, 0x40, // block $done
  0x03, 0x40, // loop $rows
  ...get(5), ...get(2), 0x4f, 0x0d, 1, // if r >= n: break $done
  SIMD, 0x0c, ...new Array(16).fill(0), ...set(7), // acc = 0
  SIMD, 0x0c, ...new Array(16).fill(0), ...set(8), // acc2 = 0
  ...i32c(0), ...set(6),
  0x03, 0x40, // loop $inner: 16 matrix bytes per iteration
  ...get(7), ...get(1), ...get(6), 0x6a, ...load8x8(0), ...qAddr, ...load(0), ...dot, ...add4, ...set(7),
  ...get(8), ...get(1), ...get(6), 0x6a, ...load8x8(8), ...qAddr, ...load(16), ...dot, ...add4, ...set(8),
  ...get(6), ...i32c(16), 0x6a, ...tee(6), ...get(3), 0x49, 0x0d, 0, // i += 16; continue while i < dims
  0x0b, // end $inner
  ...get(4), ...get(5), ...i32c(2), 0x74, 0x6a, // &out[r]
  ...get(7), ...get(8), ...add4, ...set(7),
  ...get(7), ...lane(0), ...get(7), ...lane(1), 0x6a, ...get(7), ...lane(2), 0x6a, ...get(7), ...lane(3), 0x6a,
  0x36, 0x02, 0x00, // i32.store
  ...get(1), ...get(3), 0x6a, ...set(1), // m += dims
  ...get(5), ...i32c(1), 0x6a, ...set(5), // r++
  0x0c, 0, // continue $rows
  0x0b, // end $rows
  0x0b, // end $done
  0x0b, // end func
];
const locals = [2, 2, 0x7f, 2, 0x7b];
const func = [...locals, ...body];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (i32 ×5) → ()
  ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 0x01]), // import memory, min 1 page
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('dot'), 0x00, 0]),
  ...section(10, [1, ...leb(func.length), ...func]),
]);

/** The same kernel importing a shared memory (max 65536 pages): what the scan threads run. */
const SHARED_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x03, 0x01, ...leb(65536)]), // shared, min 1, max 65536 pages
  ...section(3, [1, 0]),
  ...section(7, [1, ...str('dot'), 0x00, 0]),
  ...section(10, [1, ...leb(func.length), ...func]),
]);

/** Largest shared matrix memory (pages of 64 KiB): 4 GiB. */
export const SHARED_MAX_PAGES = 65536;

export type DotKernel = (q: number, m: number, n: number, dims: number, out: number) => void;

let sharedCompiled: WebAssembly.Module | null | undefined;

/** The shared-memory kernel module, or null where threads or SIMD are unavailable. */
export function sharedSimdModule(): WebAssembly.Module | null {
  if (sharedCompiled !== undefined) return sharedCompiled;
  try {
    sharedCompiled = typeof SharedArrayBuffer === 'function' && WebAssembly.validate(SHARED_MODULE) ? new WebAssembly.Module(SHARED_MODULE) : null;
  } catch {
    sharedCompiled = null;
  }
  return sharedCompiled;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the index then scans in JS). */
export function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = WebAssembly.validate(MODULE) ? new WebAssembly.Module(MODULE) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Instantiates the kernel over `memory` (one memory per gallery matrix). */
export function instantiateDot(memory: WebAssembly.Memory, shared = false): DotKernel | null {
  const mod = shared ? sharedSimdModule() : simdModule();
  if (!mod) return null;
  const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
  return inst.exports.dot as DotKernel;
}
