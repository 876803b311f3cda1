/**
 * Exact top-k cosine search over one contiguous matrix per gallery: an int8 scan (one global
 * scale) picks the best `rerank` rows, an exact float32 re-rank orders them (TOOLCHAIN.md: this
 * restores the float32 top-10). Rows are templates; results are unique per person.
 * `float: false` (compact: 1 byte per dimension instead of 5) keeps no float32 copy and re-ranks
 * the candidates by the cosine between the query and their dequantised rows instead.
 */
import { instantiateDot, SHARED_MAX_PAGES, type DotKernel } from './int8-dot-wasm.ts';
import { IdTable } from './id-table.ts';
import { scanPool, type ScanPool } from './scan-pool.ts';
import { int8Scale, quantiseInto } from './quantise.ts';

export interface Hit { id: string; similarity: number }

/** Byte offset of the int8 matrix inside the wasm memory; the int16 query sits below it. */
const MATRIX_AT = 8192;
const PAGE = 65536;
/** From this many rows a scan is split across the scan pool's threads (below it the hand-off is not worth it). */
export const THREAD_MIN_ROWS = 16_384;

export class ExactInt8Index {
  readonly dims: number;
  /** int8 units per 1.0 (quantise.ts) */
  readonly scale: number;
  private f32: Float32Array;
  private i8: Int8Array;
  /** person ids off the JS heap; a person's value there is its row (its only one, usually) */
  private ids: IdTable;
  /** row → person number */
  private owner: Int32Array;
  /** every row of the persons with more than one template (the rare case) */
  private multi = new Map<number, number[]>();
  private n = 0;
  private cap: number;
  private mem?: WebAssembly.Memory;
  private kernel: DotKernel | null = null;
  /** set once the matrix lives in a shared memory the scan pool's threads read */
  private pool: ScanPool | null = null;
  private readonly threaded: boolean;
  /** false: no float32 copy (compact); the re-rank uses the int8 rows */
  readonly float: boolean;

  /**
   * `simd` (default true): scan with the WebAssembly SIMD kernel when dims is a multiple of 16.
   * `threads` (default true): from THREAD_MIN_ROWS rows, split each scan across the process's
   * scan pool (matrix/scan-pool.ts) when it has more than one thread.
   */
  constructor(dims: number, capacity = 1024, o: { simd?: boolean; threads?: boolean; float?: boolean } = {}) {
    this.dims = dims;
    this.scale = int8Scale(dims);
    this.cap = Math.max(1, capacity);
    this.threaded = o.threads ?? true;
    this.float = o.float ?? true;
    this.f32 = new Float32Array(this.float ? this.cap * dims : 0);
    this.owner = new Int32Array(this.cap);
    this.ids = new IdTable(this.cap);
    if ((o.simd ?? true) && dims % 16 === 0 && dims * 2 <= MATRIX_AT) {
      if (!this.share(this.cap)) {
        this.mem = new WebAssembly.Memory({ initial: Math.ceil(this.wasmBytes(this.cap) / PAGE) });
        this.kernel = instantiateDot(this.mem);
        if (!this.kernel) this.mem = undefined;
      }
    }
    this.i8 = this.mem ? new Int8Array(this.mem.buffer, MATRIX_AT, this.cap * dims) : new Int8Array(this.cap * dims);
  }

  /**
   * Moves the matrix into a shared memory for the scan threads once it is big enough (copying the
   * rows it has). false when it stays where it is.
   */
  private share(cap: number): boolean {
    if (this.pool || !this.threaded || cap < THREAD_MIN_ROWS || this.dims % 16 !== 0) return false;
    const pages = Math.ceil(this.wasmBytes(cap) / PAGE);
    const pool = scanPool();
    if (!pool || pages > SHARED_MAX_PAGES) return false;
    let mem: WebAssembly.Memory;
    try {
      mem = new WebAssembly.Memory({ initial: pages, maximum: SHARED_MAX_PAGES, shared: true });
    } catch {
      return false;
    }
    const kernel = instantiateDot(mem, true);
    if (!kernel) return false;
    const old = this.mem ? new Int8Array(this.mem.buffer, MATRIX_AT, this.n * this.dims) : this.i8?.subarray(0, this.n * this.dims);
    if (old?.length) new Int8Array(mem.buffer, MATRIX_AT, old.length).set(old);
    this.mem = mem;
    this.kernel = kernel;
    this.pool = pool;
    return true;
  }

  /** Which scan runs: 'wasm-simd' (with its thread count) or 'js'. */
  get scan(): 'wasm-simd' | 'js' { return this.kernel ? 'wasm-simd' : 'js'; }

  /** Threads one scan uses now. */
  get scanThreads(): number { return this.pool && this.n >= THREAD_MIN_ROWS ? this.pool.threads : 1; }

  /** query (int16) · matrix (int8) · scores (int32), each 16-byte aligned */
  private wasmBytes(cap: number): number { return this.scoresAt(cap) + cap * 4; }
  private scoresAt(cap: number): number { return MATRIX_AT + Math.ceil((cap * this.dims) / 16) * 16; }

  get size(): number { return this.n; }
  get persons(): number { return this.ids.size; }
  /** matrix bytes (int8 rows, plus the float32 copy unless compact) */
  get bytes(): number { return this.n * this.dims * (this.float ? 5 : 1); }
  /** what the ids and row maps hold in typed arrays (allocated, not just used) */
  get idBytes(): number { return this.ids.bytes + this.owner.byteLength; }

  has(id: string): boolean { return this.ids.find(id) >= 0; }

  /** Ids of the persons with rows here. */
  *personIds(): IterableIterator<string> {
    for (const p of this.ids.persons()) yield this.ids.idOf(p);
  }

  private rowsOfPerson(p: number): number[] { return this.multi.get(p) ?? [this.ids.value(p)]; }

  private grow(min: number): void {
    let cap = this.cap;
    if (min <= cap) return;
    while (cap < min) cap *= 2;
    if (this.float) {
      const f = new Float32Array(cap * this.dims); f.set(this.f32.subarray(0, this.n * this.dims));
      this.f32 = f;
    }
    const o = new Int32Array(cap); o.set(this.owner.subarray(0, this.n));
    this.owner = o;
    if (this.kernel && this.share(cap)) {
      this.i8 = new Int8Array(this.mem!.buffer, MATRIX_AT, cap * this.dims);
    } else if (this.mem) {
      // the matrix keeps its offset, so growing the memory preserves it; only the views change
      const need = Math.ceil(this.wasmBytes(cap) / PAGE) - this.mem.buffer.byteLength / PAGE;
      if (need > 0) this.mem.grow(need);
      this.i8 = new Int8Array(this.mem.buffer, MATRIX_AT, cap * this.dims);
    } else {
      const q = new Int8Array(cap * this.dims); q.set(this.i8.subarray(0, this.n * this.dims));
      this.i8 = q;
    }
    this.cap = cap;
  }

  quantise<T extends Int8Array | Int16Array | Int32Array>(v: Float32Array, out: T, off = 0): T {
    return quantiseInto(v, this.scale, out, off);
  }

  /** Appends normalised vectors (row-major, n×dims) for one person each (ids[i] owns row i). */
  addMany(ids: string[], vectors: Float32Array): void {
    const d = this.dims;
    this.grow(this.n + ids.length);
    for (let r = 0; r < ids.length; r++) {
      const row = this.n++;
      const v = vectors.subarray(r * d, (r + 1) * d);
      if (this.float) this.f32.set(v, row * d);
      this.quantise(v, this.i8, row * d);
      const { person, added } = this.ids.intern(ids[r], row);
      this.owner[row] = person;
      if (!added) this.multi.set(person, [...this.rowsOfPerson(person), row]);
    }
  }

  add(id: string, v: Float32Array): void { this.addMany([id], v); }

  /**
   * Appends rows already in int8 form (quantise.ts): row r of `from..to` is `rows[r·dims ..]`, its
   * person's id the UTF-8 `ids[idEnd[r - 1] ?? 0 .. idEnd[r])`. The compact cache load, with no
   * float and no string per row; `absent`: none of these ids is in the index yet, nor twice among
   * them. A float index keeps float32 rows too: it is loaded through addMany.
   */
  addQuantised(ids: Uint8Array, idEnd: Int32Array, rows: Int8Array, from: number, to: number, absent = false): void {
    if (this.float) throw new Error('addQuantised needs a compact index');
    const d = this.dims;
    this.grow(this.n + (to - from));
    this.i8.set(rows.subarray(from * d, to * d), this.n * d);
    for (let r = from; r < to; r++) {
      const row = this.n++;
      const before = this.ids.size;
      const person = this.ids.internBytes(ids, r ? idEnd[r - 1] : 0, idEnd[r], row, absent);
      this.owner[row] = person;
      if (this.ids.size === before) this.multi.set(person, [...this.rowsOfPerson(person), row]);
    }
  }

  /** Removes every row of a person (swap with the last row, so the matrix stays contiguous). */
  remove(id: string): boolean {
    const p = this.ids.find(id);
    if (p < 0) return false;
    // highest row first: the last row that moves into a freed one is never one of this person's
    for (const row of this.rowsOfPerson(p).sort((a, b) => b - a)) {
      const last = --this.n;
      const d = this.dims;
      if (row !== last) {
        if (this.float) this.f32.copyWithin(row * d, last * d, (last + 1) * d);
        this.i8.copyWithin(row * d, last * d, (last + 1) * d);
        const mover = this.owner[last];
        this.owner[row] = mover;
        const mr = this.multi.get(mover);
        if (mr) mr[mr.indexOf(last)] = row;
        else this.ids.setValue(mover, row);
      }
    }
    this.multi.delete(p);
    this.ids.remove(p);
    return true;
  }

  /** Exact top-k persons by cosine; `rerank` int8 candidates are re-scored in float32. */
  search(q: Float32Array, k: number, rerank = 32): Hit[] {
    const d = this.dims, n = this.n;
    if (n === 0) return [];
    const R = Math.min(n, Math.max(rerank, k * 4));
    const topS = new Int32Array(R).fill(-2147483648);
    const topR = new Int32Array(R).fill(-1);
    let minS = -2147483648, minAt = 0;
    let scores: Int32Array | null = null;
    let qi: Int32Array | null = null;
    if (this.kernel && this.mem) {
      this.quantise(q, new Int16Array(this.mem.buffer, 0, d));
      const at = this.scoresAt(this.cap);
      const kernel = this.kernel;
      if (this.pool && n >= THREAD_MIN_ROWS) this.pool.scan(this.mem, (m, rows, out) => kernel(0, m, rows, d, out), 0, MATRIX_AT, n, d, at);
      else kernel(0, MATRIX_AT, n, d, at);
      scores = new Int32Array(this.mem.buffer, at, n);
    } else {
      qi = this.quantise(q, new Int32Array(d));
    }
    // keep the R best int8 scores (a tiny unsorted buffer; replacing its minimum is rare after warm-up)
    const consider = (r: number, sc: number) => {
      topS[minAt] = sc; topR[minAt] = r;
      minS = topS[0]; minAt = 0;
      for (let j = 1; j < R; j++) if (topS[j] < minS) { minS = topS[j]; minAt = j; }
    };
    if (scores) {
      for (let r = 0; r < n; r++) if (scores[r] > minS) consider(r, scores[r]);
    } else {
      const m = this.i8;
      for (let r = 0; r < n; r++) {
        let sc = 0;
        const o = r * d;
        for (let i = 0; i < d; i++) sc += qi![i] * m[o + i];
        if (sc > minS) consider(r, sc);
      }
    }
    const best = new Map<number, number>();
    for (let j = 0; j < R; j++) {
      const r = topR[j];
      if (r < 0) continue;
      let s = 0;
      const o = r * d;
      if (this.float) {
        for (let i = 0; i < d; i++) s += q[i] * this.f32[o + i];
      } else {
        // compact: cosine against the dequantised row (its norm differs from 1 by the rounding)
        let nn = 0;
        for (let i = 0; i < d; i++) { const x = this.i8[o + i]; s += q[i] * x; nn += x * x; }
        s = nn > 0 ? s / Math.sqrt(nn) : 0;
      }
      const p = this.owner[r];
      if ((best.get(p) ?? -Infinity) < s) best.set(p, s);
    }
    return [...best].map(([p, similarity]) => ({ id: this.ids.idOf(p), similarity })).sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }
}
