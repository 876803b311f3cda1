import { ExactInt8Index, type Hit } from './exact-int8.ts';

export const DEFAULT_GALLERY = 'default';

/** The in-RAM search cache: one ExactInt8Index (one contiguous matrix) per named gallery. */
export class GalleryCache {
  readonly dims: number;
  private galleries = new Map<string, ExactInt8Index>();
  private membership = new Map<string, string[]>();

  constructor(dims: number) { this.dims = dims; }

  get persons(): number { return this.membership.size; }

  names(): string[] { return [...this.galleries.keys()]; }

  sizes(): Record<string, number> {
    return Object.fromEntries([...this.galleries].map(([g, ix]) => [g, ix.size]));
  }

  has(gallery: string): boolean { return this.galleries.has(gallery); }

  /** Replaces a person's templates in every gallery it belongs to. */
  upsert(id: string, galleries: string[], vectors: Float32Array[]): void {
    this.remove(id);
    if (!vectors.length) return;
    const flat = new Float32Array(vectors.length * this.dims);
    vectors.forEach((v, i) => flat.set(v, i * this.dims));
    const gs = galleries.length ? galleries : [DEFAULT_GALLERY];
    for (const g of gs) {
      let ix = this.galleries.get(g);
      if (!ix) this.galleries.set(g, (ix = new ExactInt8Index(this.dims)));
      ix.addMany(vectors.map(() => id), flat);
    }
    this.membership.set(id, gs);
  }

  /** Cache load: appends many persons (not yet cached) with one addMany per gallery. */
  bulkLoad(entries: { id: string; galleries: string[]; vectors: Float32Array[] }[]): void {
    const per = new Map<string, { ids: string[]; vecs: Float32Array[] }>();
    for (const e of entries) {
      if (!e.vectors.length) continue;
      this.remove(e.id);
      const gs = e.galleries.length ? e.galleries : [DEFAULT_GALLERY];
      this.membership.set(e.id, gs);
      for (const g of gs) {
        let b = per.get(g);
        if (!b) per.set(g, (b = { ids: [], vecs: [] }));
        for (const v of e.vectors) { b.ids.push(e.id); b.vecs.push(v); }
      }
    }
    for (const [g, b] of per) {
      let ix = this.galleries.get(g);
      if (!ix) this.galleries.set(g, (ix = new ExactInt8Index(this.dims, b.ids.length)));
      const flat = new Float32Array(b.ids.length * this.dims);
      b.vecs.forEach((v, i) => flat.set(v, i * this.dims));
      ix.addMany(b.ids, flat);
    }
  }

  remove(id: string): void {
    for (const g of this.membership.get(id) ?? []) this.galleries.get(g)?.remove(id);
    this.membership.delete(id);
  }

  search(gallery: string, q: Float32Array, k: number): Hit[] {
    return this.galleries.get(gallery)?.search(q, k) ?? [];
  }
}
