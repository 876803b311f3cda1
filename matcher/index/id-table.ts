/**
 * Person ids of an index, off the JS heap: every id lives once in a byte arena (UTF-8 behind a
 * one-byte length), a person is a small integer, and an open-addressing hash table of int32 maps
 * an id to its person. Per person that is 4 (arena offset) + 4 (first row) + ~6–8 (hash slots) +
 * 1 + len(id) bytes in typed arrays, against ~80 bytes of strings and Map entries on the JS heap.
 * Ids are at most 255 UTF-8 bytes (the store's own limit is far below that).
 */
const EMPTY = -1;
const DELETED = -2;
const enc = new TextEncoder();
const dec = new TextDecoder();
/** every lookup encodes its id here (no allocation per call); ids beyond 255 bytes are refused anyway */
const scratch = new Uint8Array(1024);

/** The id's UTF-8 bytes as a view of the shared scratch buffer (valid until the next call). */
function keyOf(id: string): Uint8Array {
  if (id.length > 256) return enc.encode(id); // surely over 255 bytes: intern refuses it, find misses it
  return scratch.subarray(0, enc.encodeInto(id, scratch).written);
}

export class IdTable {
  private arena: Uint8Array;
  private used = 0;
  /** arena bytes of removed ids (compacted when they are half the arena) */
  private garbage = 0;
  /** person → arena offset of its id (EMPTY for a free person number) */
  private off: Int32Array;
  /** person → a value the caller keeps (the index keeps the person's first row) */
  private val: Int32Array;
  private free: number[] = [];
  private top = 0;
  private live = 0;
  /** hash slots: person number, EMPTY or DELETED; size a power of two */
  private slots: Int32Array;
  private filled = 0;

  /** `expected`: persons it will hold (sizes the arrays once instead of doubling up to it) */
  constructor(expected = 64) {
    const n = Math.max(64, Math.ceil(expected));
    this.off = new Int32Array(n).fill(EMPTY);
    this.val = new Int32Array(n);
    let size = 128;
    while (size * 3 < n * 4) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.arena = new Uint8Array(Math.max(1024, n * 8));
  }

  get size(): number {
    return this.live;
  }

  /** typed-array bytes held (what this table costs in RAM, outside the JS heap) */
  get bytes(): number {
    return this.arena.byteLength + this.off.byteLength + this.val.byteLength + this.slots.byteLength;
  }

  /** The person number of `id`, or -1. */
  find(id: string): number {
    const key = keyOf(id);
    return this.findRange(key, 0, key.length, hashOf(key, 0, key.length));
  }

  /** The person number of `id`, adding it (with value `v`) when absent; `added` says which. */
  intern(id: string, v: number): { person: number; added: boolean } {
    const key = keyOf(id);
    const before = this.live;
    const person = this.internBytes(key, 0, key.length, v);
    return { person, added: this.live > before };
  }

  /**
   * `intern` of the id whose UTF-8 bytes are `b[start..end)` (a cache load hands ids this way, with
   * no string per row); returns the person number (`size` grew when it was added). `absent`: the
   * caller knows the id is not in the table (a first load of unique ids), so it is not looked up.
   */
  internBytes(b: Uint8Array, start: number, end: number, v: number, absent = false): number {
    if (end - start > 255) throw new RangeError('id longer than 255 UTF-8 bytes');
    const h = hashOf(b, start, end);
    const found = absent ? -1 : this.findRange(b, start, end, h);
    if (found >= 0) return found;
    const p = this.free.pop() ?? this.top++;
    if (p >= this.off.length) this.growPersons();
    this.off[p] = this.put(b, start, end);
    this.val[p] = v;
    this.live++;
    if ((this.filled + 1) * 4 > this.slots.length * 3) this.rehash(this.slots.length * (this.live * 2 > this.slots.length ? 2 : 1));
    this.insertSlot(p, h);
    return p;
  }

  /** Removes a person; its number may be reused by a later intern. */
  remove(person: number): void {
    const o = this.off[person];
    if (o === EMPTY) return;
    const key = this.arena.subarray(o + 1, o + 1 + this.arena[o]);
    const mask = this.slots.length - 1;
    for (let i = hashOf(key, 0, key.length) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i];
      if (s === EMPTY) break;
      if (s === person) {
        this.slots[i] = DELETED;
        break;
      }
    }
    this.garbage += 1 + this.arena[o];
    this.off[person] = EMPTY;
    this.free.push(person);
    this.live--;
    if (this.garbage * 2 > this.used && this.used > 4096) this.compact();
  }

  /** Every live person number, in no particular order. */
  *persons(): IterableIterator<number> {
    for (let p = 0; p < this.top; p++) if (this.off[p] !== EMPTY) yield p;
  }

  idOf(person: number): string {
    const o = this.off[person];
    return dec.decode(this.arena.subarray(o + 1, o + 1 + this.arena[o]));
  }

  value(person: number): number {
    return this.val[person];
  }

  setValue(person: number, v: number): void {
    this.val[person] = v;
  }

  private findRange(b: Uint8Array, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i];
      if (s === EMPTY) return -1;
      if (s >= 0 && this.equals(s, b, start, end)) return s;
    }
  }

  private equals(person: number, b: Uint8Array, start: number, end: number): boolean {
    const o = this.off[person];
    if (this.arena[o] !== end - start) return false;
    for (let i = start, j = o + 1; i < end; i++, j++) if (this.arena[j] !== b[i]) return false;
    return true;
  }

  private put(b: Uint8Array, start: number, end: number): number {
    const len = end - start;
    const need = this.used + 1 + len;
    if (need > this.arena.length) {
      // grow by a quarter (amortised O(1) still): a doubling would leave up to half of it unused
      let cap = this.arena.length;
      while (cap < need) cap = Math.ceil(cap * 1.25);
      const a = new Uint8Array(cap);
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    const o = this.used;
    this.arena[o] = len;
    for (let i = start, j = o + 1; i < end; i++, j++) this.arena[j] = b[i];
    this.used = need;
    return o;
  }

  private insertSlot(person: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    if (this.slots[i] === EMPTY) this.filled++;
    this.slots[i] = person;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    this.filled = 0;
    for (let p = 0; p < this.top; p++) {
      const o = this.off[p];
      if (o === EMPTY) continue;
      this.insertSlot(p, hashOf(this.arena, o + 1, o + 1 + this.arena[o]));
    }
  }

  private growPersons(): void {
    const n = Math.ceil(this.off.length * 1.5);
    const off = new Int32Array(n).fill(EMPTY);
    off.set(this.off);
    const val = new Int32Array(n);
    val.set(this.val);
    this.off = off;
    this.val = val;
  }

  /** Rewrites the arena without the removed ids (offsets change, person numbers do not). */
  private compact(): void {
    const a = new Uint8Array(Math.max(1024, this.used - this.garbage));
    let at = 0;
    for (let p = 0; p < this.top; p++) {
      const o = this.off[p];
      if (o === EMPTY) continue;
      const len = 1 + this.arena[o];
      a.set(this.arena.subarray(o, o + len), at);
      this.off[p] = at;
      at += len;
    }
    this.arena = a;
    this.used = at;
    this.garbage = 0;
  }
}

/** FNV-1a over the bytes, spread a little for linear probing. */
function hashOf(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  return Math.imul(h, 0x7feb352d) >>> 0;
}
