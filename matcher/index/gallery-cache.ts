import { ExactInt8Index, type Hit } from './exact-int8.ts';
import { IdTable } from './id-table.ts';
import type { CompactBatch } from '../store/store.ts';

export const DEFAULT_GALLERY = 'default';
const DEFAULT_ONLY = [DEFAULT_GALLERY];
const isDefaultOnly = (gs: string[]) => gs.length === 1 && gs[0] === DEFAULT_GALLERY;
/** Rows a new gallery's matrix starts with (it doubles as it fills): many small galleries stay small. */
const INITIAL_ROWS = 16;

/**
 * The in-RAM search cache: one ExactInt8Index (one contiguous matrix) per named gallery. A gallery
 * left empty is freed; new named galleries are admitted through `reserve`, up to `maxGalleries`.
 */
export class GalleryCache {
  readonly dims: number;
  /** named galleries (the default one excluded) that may exist at once */
  readonly maxGalleries: number;
  private galleries = new Map<string, ExactInt8Index>();
  /**
   * person id → its gallery set (an index into `sets`), off the JS heap, for the persons outside
   * the default gallery alone; a person in the default gallery alone is known by that gallery's
   * index only (most persons: their id is stored once)
   */
  private others = new IdTable();
  /** persons in the default gallery alone */
  private defaultOnly = 0;
  /** distinct gallery sets: persons share them (most are in just `default`) */
  private sets: string[][] = [];
  private setIndex = new Map<string, number>();
  /** gallery → enrolments in flight that may create it: they count against the limit until done */
  private reserved = new Map<string, number>();

  /** false: compact indexes (no float32 copy) */
  private readonly float: boolean;
  /** rows the default gallery is expected to reach (a cache load sizes it once instead of doubling up to it) */
  private expectedDefault = 0;

  constructor(dims: number, o: { maxGalleries?: number; float?: boolean } = {}) {
    this.dims = dims;
    this.maxGalleries = o.maxGalleries ?? Infinity;
    this.float = o.float ?? true;
  }

  get persons(): number { return this.others.size + this.defaultOnly; }

  names(): string[] { return [...this.galleries.keys()]; }

  sizes(): Record<string, number> {
    return Object.fromEntries([...this.galleries].map(([g, ix]) => [g, ix.size]));
  }

  has(gallery: string): boolean { return this.galleries.has(gallery); }

  hasPerson(id: string): boolean { return this.gallerySetOf(id) !== null; }

  /** The galleries a cached person is in; null when not cached. */
  private gallerySetOf(id: string): string[] | null {
    const p = this.others.find(id);
    if (p >= 0) return this.sets[this.others.value(p)];
    return this.galleries.get(DEFAULT_GALLERY)?.has(id) ? DEFAULT_ONLY : null;
  }

  /** Records a person just added to the indexes of `gs`. */
  private enter(id: string, gs: string[]): void {
    if (isDefaultOnly(gs)) this.defaultOnly++;
    else this.others.intern(id, this.setOf(gs));
  }

  private setOf(gs: string[]): number {
    const key = gs.join('\u0000');
    let i = this.setIndex.get(key);
    if (i === undefined) {
      i = this.sets.push(gs) - 1;
      this.setIndex.set(key, i);
    }
    return i;
  }


  /** Named galleries that exist or are reserved by an enrolment in flight. */
  private namedCount(): number {
    let n = this.galleries.size - (this.galleries.has(DEFAULT_GALLERY) ? 1 : 0);
    for (const g of this.reserved.keys()) if (g !== DEFAULT_GALLERY && !this.galleries.has(g)) n++;
    return n;
  }

  /**
   * Admits an enrolment into `galleries`: null when it would create named galleries beyond the
   * limit, else a release function to call once the enrolment is done (committed or not).
   */
  reserve(galleries: string[]): (() => void) | null {
    const gs = [...new Set(galleries)];
    const fresh = gs.filter((g) => g !== DEFAULT_GALLERY && !this.galleries.has(g) && !this.reserved.has(g));
    if (fresh.length && this.namedCount() + fresh.length > this.maxGalleries) return null;
    for (const g of gs) this.reserved.set(g, (this.reserved.get(g) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const g of gs) {
        const n = (this.reserved.get(g) ?? 1) - 1;
        if (n > 0) this.reserved.set(g, n);
        else this.reserved.delete(g);
      }
    };
  }

  /** Replaces a person's templates in every gallery it belongs to. */
  upsert(id: string, galleries: string[], vectors: Float32Array[]): void {
    this.remove(id);
    if (!vectors.length) return;
    const flat = new Float32Array(vectors.length * this.dims);
    vectors.forEach((v, i) => flat.set(v, i * this.dims));
    const gs = galleries.length ? galleries : [DEFAULT_GALLERY];
    for (const g of gs) {
      let ix = this.galleries.get(g);
      if (!ix) this.galleries.set(g, (ix = new ExactInt8Index(this.dims, Math.max(INITIAL_ROWS, vectors.length), { float: this.float })));
      ix.addMany(vectors.map(() => id), flat);
    }
    this.enter(id, gs);
  }

  /** Hint before a cache load: the default gallery will hold about `rows` rows. */
  expect(rows: number): void {
    this.expectedDefault = Math.max(0, Math.floor(rows));
  }

  private indexFor(g: string, rows: number): ExactInt8Index {
    let ix = this.galleries.get(g);
    if (!ix) this.galleries.set(g, (ix = new ExactInt8Index(this.dims, Math.max(INITIAL_ROWS, rows, g === DEFAULT_GALLERY ? this.expectedDefault : 0), { float: this.float })));
    return ix;
  }

  /**
   * Compact cache load, one batch of int8 rows (store.scanCompact) at a time. `seen` (ids this
   * load added) lets a person's first row replace what the cache held for it; null when the cache
   * was empty as the load began (nothing to replace).
   */
  appendCompact(b: CompactBatch, seen: Set<string> | null): void {
    const dec = new TextDecoder();
    const idOf = (r: number) => dec.decode(b.ids.subarray(r ? b.idEnd[r - 1] : 0, b.idEnd[r]));
    if (!seen && b.first) {
      // a first load's first templates: every id is new, so nothing is looked up; the runs of
      // rows in the default gallery alone (the usual batch is one run) are one copy each
      for (let r = 0; r < b.n; ) {
        let to = r;
        while (to < b.n && !b.galleries.has(to)) to++;
        if (to > r) {
          this.indexFor(DEFAULT_GALLERY, b.n).addQuantised(b.ids, b.idEnd, b.rows, r, to, true);
          this.defaultOnly += to - r;
        }
        if (to === b.n) break;
        const gs = b.galleries.get(to)!;
        for (const g of gs) this.indexFor(g, g === DEFAULT_GALLERY ? b.n : 1).addQuantised(b.ids, b.idEnd, b.rows, to, to + 1, true);
        this.enter(idOf(to), gs);
        r = to + 1;
      }
      return;
    }
    // the rare rows (a person's later template, a reload over a filled cache) go by id string
    for (let r = 0; r < b.n; r++) {
      const gs = b.galleries.get(r) ?? DEFAULT_ONLY;
      const id = idOf(r);
      const known = this.hasPerson(id);
      if (seen ? !seen.has(id) : !known) {
        seen?.add(id);
        if (known) this.remove(id);
        this.enter(id, gs);
      }
      for (const g of gs) this.indexFor(g, g === DEFAULT_GALLERY ? b.n : 1).addQuantised(b.ids, b.idEnd, b.rows, r, r + 1);
    }
  }

  /**
   * Cache load, one page of rows at a time (row r: `ids[r]`, `galleries[r]`, `flat` row r): a
   * person's first row in this load (`seen`) replaces what the cache held for it; later rows add.
   */
  appendRows(ids: string[], galleries: string[][], flat: Float32Array, seen: Set<string>): void {
    const d = this.dims;
    const per = new Map<string, number[]>();
    // the usual page: every row in the same gallery set (the store hands out one shared array)
    const one = galleries.every((g) => g === galleries[0]) ? (galleries[0]?.length ? galleries[0] : DEFAULT_ONLY) : null;
    for (let r = 0; r < ids.length; r++) {
      const id = ids[r];
      const gs = one ?? (galleries[r].length ? galleries[r] : DEFAULT_ONLY);
      if (!seen.has(id)) {
        seen.add(id);
        if (this.hasPerson(id)) this.remove(id);
        this.enter(id, gs);
      }
      if (one) continue;
      for (const g of gs) {
        let l = per.get(g);
        if (!l) per.set(g, (l = []));
        l.push(r);
      }
    }
    if (one) for (const g of one) per.set(g, []);
    for (const [g, rows] of per) {
      const ix = this.indexFor(g, one ? ids.length : rows.length);
      if (one || rows.length === ids.length) { ix.addMany(ids, flat); continue; }
      const sub = new Float32Array(rows.length * d);
      rows.forEach((r, i) => sub.set(flat.subarray(r * d, (r + 1) * d), i * d));
      ix.addMany(rows.map((r) => ids[r]), sub);
    }
  }

  /** Ids of every cached person. */
  ids(): string[] {
    const out: string[] = [];
    for (const p of this.others.persons()) out.push(this.others.idOf(p));
    const def = this.galleries.get(DEFAULT_GALLERY);
    if (def) for (const id of def.personIds()) if (this.others.find(id) < 0) out.push(id);
    return out;
  }

  /** Drops a person from its galleries; a gallery left empty is freed (matrix and name). */
  remove(id: string): void {
    const gs = this.gallerySetOf(id);
    if (!gs) return;
    for (const g of gs) {
      const ix = this.galleries.get(g);
      if (!ix) continue;
      ix.remove(id);
      if (ix.size === 0) this.galleries.delete(g);
    }
    const p = this.others.find(id);
    if (p >= 0) this.others.remove(p);
    else this.defaultOnly--;
  }

  search(gallery: string, q: Float32Array, k: number): Hit[] {
    return this.galleries.get(gallery)?.search(q, k) ?? [];
  }
}
