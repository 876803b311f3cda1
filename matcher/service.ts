import * as v from 'valibot';
import {
  bandOf, identityOf, KitError, TemplateSchema,
  type IdentifyRequest, type MatchObject, type Person, type Template, type VerifyResult,
} from '../protocol/index.ts';
import type { MatcherConfig } from './config.ts';
import type { Extractor } from './extraction/extractor.ts';
import { faceImagesOf } from './extraction/face-record.ts';
import type { QualityReport } from './extraction/quality.ts';
import { DEFAULT_ICAO_POLICY, icaoChecks, type IcaoCheck, type IcaoPolicy } from './quality/icao.ts';
import type { scoreLiveness, ServerPadOptions } from './liveness/server-pad.ts';
import type { ImageLivenessOptions } from './image-liveness/analyse-image.ts';
import type { MatcherImageRequest, MatcherImageResult } from '../protocol/index.ts';
import { DEFAULT_GALLERY, GalleryCache } from './index/gallery-cache.ts';
import { Fifo } from './queue/fifo.ts';
import { calibratedScore, scoreOf } from './score-calibration.ts';
import { sha256hex, type MatcherStore, type PersonEvent, type PersonRecord, type StoredTemplate } from './store/store.ts';
import { cosine, fromTemplate, fromTemplateInto, sameModel, toTemplate, type ModelId, type TemplateLike } from './template.ts';

/** What a 2xx PUT returns: counts and the per-image quality, never the biometric data. */
export interface EnrolResult {
  id: string;
  created: boolean;
  templates: number;
  quality: unknown[];
  duplicates: { id: string; similarity: number; score: number }[];
}

export interface AuditResult {
  id: string;
  /** false: the person is not stored; only the caches were resynchronised */
  found: boolean;
  templates: number;
  recomputed: number;
  /** submitted templates of another model: kept in the store, left out of search */
  staleTemplates: number;
  quality: unknown[];
}

/** A cluster node's view of the cluster (GET /status, the metrics' gauges). */
export interface ClusterStatus {
  self: string;
  replicationFactor: number;
  capacity: number;
  coverage: number;
  /** persons this node owns */
  persons: number;
  members: { id: string; url: string; weight: number; live: boolean }[];
}

/**
 * What a cluster (matcher/cluster/node.ts) plugs into the service: which persons this node
 * caches, 1:N over the whole cluster (scatter-gather) with the coverage it reached, and the
 * announcement of a committed write. Without it the service is a cluster of one.
 */
export interface ClusterHooks {
  /** this node as registered */
  readonly self: { id: string; url: string };
  owns(id: string): boolean;
  search(gallery: string, q: Float32Array, k: number): Promise<{ hits: { id: string; similarity: number }[]; coverage: number }>;
  /** the share of persons with a live owner, as last measured */
  coverage(): number;
  /** a person was written or deleted in the store (announce it to the other nodes) */
  written(id: string): void;
  /** the weighted share of the known members that are live */
  capacity(): number;
  /** members, weights, liveness, replication factor, capacity, coverage (GET /status) */
  status(): ClusterStatus;
  /** this node's share of another node's scatter (POST /cluster/search) */
  localSearch(req: { gallery: string; q: Uint8Array; k: number; live: string[] }): { id: string; similarity: number }[];
  /**
   * true while this node loads persons a membership change gave it: it is not ready (GET /ready
   * 503), answers no share of a scatter and counts as no owner until they are cached
   */
  readonly loading: boolean;
  /**
   * Where a heavy request should run (matcher/api/forward.ts): the first live owner of `person`
   * when given (1:1), else a live member drawn by weight; null: here.
   */
  placeHeavy(person?: string): { id: string; url: string } | null;
  /** a peer did not answer: leave it out until its probe answers again */
  suspect(id: string): void;
}

/** The matcher's core, independent of HTTP: enrolment, audit, 1:1, 1:N, cache load. */
export class MatcherService {
  /** set when this node is part of a cluster */
  cluster?: ClusterHooks;
  readonly cache: GalleryCache;
  readonly queue: Fifo;
  /** POST /liveness's scorer when the models run elsewhere (extraction/worker-pool.ts); unset: scoreLiveness here */
  liveness?: (body: Parameters<typeof scoreLiveness>[1], o: ServerPadOptions) => ReturnType<typeof scoreLiveness>;
  /** POST /liveness/image's analysis when the models run elsewhere (extraction/worker-pool.ts); unset: analyseImage here */
  livenessImage?: (body: MatcherImageRequest, o: ImageLivenessOptions) => Promise<MatcherImageResult>;
  ready = false;
  loadStats = { templates: 0, ms: 0, rate: 0 };
  private locks = new Map<string, Promise<unknown>>();

  /** Serialises writes per person id, so the store and the cache see them in the same order. */
  private async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }

  constructor(readonly store: MatcherStore, readonly extractor: Extractor, readonly config: MatcherConfig) {
    this.cache = new GalleryCache(extractor.dims, { maxGalleries: config.maxGalleries, float: !config.compactIndex });
    this.queue = new Fifo({ concurrency: config.concurrency, maxQueue: config.maxQueue, timeoutMs: config.queueTimeoutMs });
  }

  get modelId(): ModelId { return { model: this.extractor.model, version: this.extractor.version, dims: this.extractor.dims }; }

  /**
   * Loads every stored template of our model into RAM (in a cluster: of the persons this node
   * owns and does not cache yet; `only` narrows it further); the database is the truth.
   */
  async loadCache(only?: (id: string) => boolean): Promise<void> {
    const t0 = performance.now();
    // streamed page by page into the index: no object per row, no second copy of the gallery
    const seen = new Set<string>();
    const d = this.modelId.dims;
    // one node alone caches everyone: size the default gallery once (most persons have one template)
    if (!this.cluster && !only) this.cache.expect(await this.storeCall(() => this.store.estimateCount?.() ?? this.store.count()).catch(() => 0));
    // a compact index from a store that keeps int8 rows: copied as they are (a cluster node keeps
    // the page path: it filters by owner and skips persons its NOTIFY listener already cached)
    if (this.store.scanCompact && this.config.compactIndex && !this.cluster && !only) {
      const seen = this.cache.persons ? new Set<string>() : null;
      const n = await this.storeCall(() => this.store.scanCompact!(this.modelId, (b) => this.cache.appendCompact(b, seen)));
      const ms = performance.now() - t0;
      this.loadStats = { templates: n, ms, rate: ms > 0 ? (n / ms) * 1000 : 0 };
      this.ready = true;
      return;
    }
    const wanted = (id: string) => (!this.cluster || (this.cluster.owns(id) && (seen.has(id) || !this.cache.hasPerson(id)))) && (!only || only(id));
    const n = await this.storeCall(() => this.store.scanTemplates((rows) => {
      const ids: string[] = [], galleries: string[][] = [];
      const flat = new Float32Array(rows.length * d);
      for (const r of rows) {
        if (!sameModel(r.template, this.modelId) || !wanted(r.id)) continue;
        try { fromTemplateInto(r.template, this.modelId, flat, ids.length * d); } catch { continue; /* corrupt row: audit reports it */ }
        ids.push(r.id);
        galleries.push(r.galleries);
      }
      this.cache.appendRows(ids, galleries, flat.subarray(0, ids.length * d), seen);
    }));
    const ms = performance.now() - t0;
    this.loadStats = { templates: n, ms, rate: ms > 0 ? (n / ms) * 1000 : 0 };
    this.ready = true;
  }

  requireReady(): void {
    if (!this.ready) throw new KitError('NOT_READY', 'matcher cache is still loading');
  }

  /** Store failures are temporary (503), never a leak of SQL or driver text. */
  async storeCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof KitError) throw e;
      throw new KitError('STORE_UNAVAILABLE', 'store unavailable');
    }
  }

  /** Extracts every image (400 NO_FACE names the image index) and validates every template. */
  private async templatesOf(images: Uint8Array[], templates: TemplateLike[]) {
    const out: { vec: Float32Array; stored: StoredTemplate }[] = [];
    const quality: unknown[] = [];
    for (const [i, img] of images.entries()) {
      // an ISO/IEC 19794-5 record stays stored as sent; each of its images gives a template
      let faces: Uint8Array[];
      try {
        faces = faceImagesOf(img);
      } catch (e) {
        if (e instanceof KitError) throw new KitError(e.code, `images[${i}]: ${e.message}`);
        throw e;
      }
      for (const face of faces) {
        let ex;
        try {
          ex = await this.extractor.extract(face);
        } catch (e) {
          if (e instanceof KitError) throw new KitError(e.code, `images[${i}]: ${e.message}`);
          throw e;
        }
        quality.push(ex.quality);
        const t = toTemplate(this.modelId, ex.embedding);
        out.push({ vec: ex.embedding, stored: { ...t, source: 'image', imageIndex: i, sha256: sha256hex(t.data) } });
      }
    }
    for (const t of templates) {
      const vec = fromTemplate(t, this.modelId);
      out.push({ vec, stored: { ...t, source: 'submitted', imageIndex: null, sha256: sha256hex(t.data) } });
    }
    return { out, quality };
  }

  /** k nearest in one gallery: this node's cache, or the whole cluster's (with the coverage reached). */
  private async searchGallery(gallery: string, q: Float32Array, k: number): Promise<{ hits: { id: string; similarity: number }[]; coverage: number }> {
    if (this.cluster) return this.cluster.search(gallery, q, k);
    return { hits: this.cache.search(gallery, q, k), coverage: 1 };
  }

  /** Other persons this one duplicates, searched in its own galleries only (never across namespaces). */
  private async duplicatesOf(id: string, galleries: string[], vecs: Float32Array[]) {
    const best = new Map<string, number>();
    for (const g of new Set(galleries)) {
      for (const q of vecs) {
        for (const h of (await this.searchGallery(g, q, 5)).hits) {
          if (h.id === id) continue;
          if (scoreOf(h.similarity) >= this.config.duplicateThreshold && (best.get(h.id) ?? -1) < h.similarity) best.set(h.id, h.similarity);
        }
      }
    }
    return [...best].map(([pid, similarity]) => ({ id: pid, similarity, score: scoreOf(similarity) })).sort((a, b) => b.similarity - a.similarity);
  }

  /** PUT /persons/{id}: extract, de-duplicate, commit, then update the cache. */
  async enrol(id: string, p: Person, policy: Record<IcaoCheck, IcaoPolicy> = DEFAULT_ICAO_POLICY): Promise<EnrolResult> {
    this.requireReady();
    const images = p.images ?? [];
    const templates = p.templates ?? [];
    if (!images.length && !templates.length) throw new KitError('SCHEMA_VIOLATION', 'a person needs at least one image or template');
    const galleries = p.galleries?.length ? [...new Set(p.galleries)] : [DEFAULT_GALLERY];
    // held until the cache has the person, so concurrent enrolments cannot overshoot the limit together
    const release = this.cache.reserve(galleries);
    if (!release) throw new KitError('GALLERY_LIMIT', `at most ${this.config.maxGalleries} galleries may exist at once`);
    return this.queue.run(() => this.exclusive(id, async () => {
      const extracted = await this.templatesOf(images, templates);
      const { out } = extracted;
      // every reference image's report carries its ICAO checks; a failure under a rejecting policy is not enrolled
      const quality = extracted.quality.map((q) => ({ ...(q as QualityReport), checks: icaoChecks(q as QualityReport, policy).checks }));
      const refused = quality.flatMap((q, i) => q.checks.filter((c) => !c.passed && c.policy === 'reject').map((c) => `image ${i}: ${c.check} (${c.value})`));
      if (refused.length) throw new KitError('QUALITY_REJECTED', refused.join('; ').slice(0, 200));
      const vecs = out.map((o) => o.vec);
      const duplicates = await this.duplicatesOf(id, galleries, vecs);
      const existed = this.cache.hasPerson(id) || (await this.storeCall(() => this.store.get(id))) !== null;
      const rec: PersonRecord = {
        id, galleries, metadata: p.metadata ?? {}, templates: out.map((o) => o.stored), quality,
        duplicates: duplicates.map(({ id: d, similarity }) => ({ id: d, similarity })), imageCount: images.length, updatedAt: Date.now(),
      };
      await this.storeCall(() => this.store.put(rec, images));
      this.cacheWritten(id, galleries, vecs);
      this.note(id, { at: rec.updatedAt, kind: existed ? 'UPDATE' : 'ENROLMENT', detail: `${images.length} image(s), ${out.length} template(s)` });
      return { id, created: !existed, templates: out.length, quality, duplicates };
    })).finally(release);
  }

  /** History for the identity report: written after the answer's work, never failing it. */
  private note(id: string, e: PersonEvent): void {
    this.store.addEvent(id, e).catch(() => undefined);
  }

  /** After a committed write: cache the person if this node owns it, and tell the cluster. */
  private cacheWritten(id: string, galleries: string[], vecs: Float32Array[]): void {
    if (!this.cluster || this.cluster.owns(id)) this.cache.upsert(id, galleries, vecs);
    else this.cache.remove(id);
    this.cluster?.written(id);
  }

  /** Brings one person's cache entry in line with the store (a write announced by another node, or a rescan). */
  async refresh(id: string): Promise<void> {
    await this.exclusive(id, async () => {
      const rec = await this.storeCall(() => this.store.get(id));
      if (!rec || (this.cluster && !this.cluster.owns(id))) {
        this.cache.remove(id);
        return;
      }
      const vecs: Float32Array[] = [];
      for (const t of rec.templates) {
        if (!sameModel(t, this.modelId)) continue;
        try { vecs.push(fromTemplate(t, this.modelId)); } catch { /* corrupt row: audit reports it */ }
      }
      this.cache.upsert(id, rec.galleries, vecs);
    });
  }

  async getPerson(id: string): Promise<PersonRecord | null> {
    return this.storeCall(() => this.store.get(id));
  }

  async deletePerson(id: string): Promise<void> {
    await this.exclusive(id, async () => {
      await this.storeCall(() => this.store.delete(id));
      this.cache.remove(id);
      this.cluster?.written(id);
    });
  }

  /** Re-checks checksums, re-extracts templates from the stored images, resyncs the cache. */
  async audit(id: string): Promise<AuditResult> {
    this.requireReady();
    return this.queue.run(() => this.exclusive(id, async () => {
      const rec = await this.storeCall(() => this.store.get(id));
      if (!rec) {
        // the specification: for a person that does not exist, audit only resynchronises the caches
        this.cache.remove(id);
        this.cluster?.written(id);
        return { id, found: false, templates: 0, recomputed: 0, staleTemplates: 0, quality: [] };
      }
      const images = await this.storeCall(() => this.store.images(id));
      if (images.length !== rec.imageCount) throw new KitError('STORED_DATA_CORRUPT', 'stored image count does not match the person record');
      for (const [i, img] of images.entries()) {
        if (sha256hex(img.data) !== img.sha256) throw new KitError('STORED_DATA_CORRUPT', `stored image ${i} fails its checksum`);
      }
      for (const [i, t] of rec.templates.entries()) {
        if (sha256hex(t.data) !== t.sha256 || !v.is(TemplateSchema, { model: t.model, version: t.version, dims: t.dims, dtype: t.dtype, data: t.data })) {
          throw new KitError('STORED_DATA_CORRUPT', `stored template ${i} fails its checksum`);
        }
      }
      const submitted = rec.templates.filter((t) => t.source === 'submitted');
      const current = submitted.filter((t) => sameModel(t, this.modelId));
      let extracted;
      try {
        extracted = await this.templatesOf(images.map((x) => x.data), current.map(({ model, version, dims, dtype, data }) => ({ model, version, dims, dtype, data })));
      } catch (e) {
        if (e instanceof KitError && (e.code === 'IMAGE_UNDECODABLE' || e.code === 'SCHEMA_VIOLATION')) throw new KitError('STORED_DATA_CORRUPT', e.message);
        throw e;
      }
      const stale = submitted.filter((t) => !sameModel(t, this.modelId));
      const next: PersonRecord = { ...rec, templates: [...extracted.out.map((o) => o.stored), ...stale], quality: extracted.quality, updatedAt: Date.now() };
      await this.storeCall(() => this.store.put(next, images.map((x) => x.data)));
      this.cacheWritten(id, rec.galleries, extracted.out.map((o) => o.vec));
      this.note(id, { at: next.updatedAt, kind: 'AUDIT', detail: `${images.length} image(s) re-extracted` });
      return { id, found: true, templates: next.templates.length, recomputed: images.length, staleTemplates: stale.length, quality: extracted.quality };
    }));
  }

  /** A probe vector from an image or a template; null when the image holds no usable face. */
  private async probe(image?: Uint8Array, template?: Template): Promise<Float32Array | null> {
    if (!!image === !!template) throw new KitError('SCHEMA_VIOLATION', 'send exactly one of image or template');
    if (template) return fromTemplate(template, this.modelId);
    try {
      return (await this.extractor.extract(image!)).embedding;
    } catch (e) {
      if (e instanceof KitError && e.code === 'NO_FACE') return null;
      throw e;
    }
  }

  /** Every usable sample of an examined person (images without a face are skipped). */
  private async samples(p: Person): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    if (!p.images?.length && !p.templates?.length) throw new KitError('SCHEMA_VIOLATION', 'the examined person needs at least one image or template');
    for (const [i, img] of (p.images ?? []).entries()) {
      try {
        for (const face of faceImagesOf(img)) {
          const q = await this.probe(face);
          if (q) out.push(q);
        }
      } catch (e) {
        if (e instanceof KitError) throw new KitError(e.code, `images[${i}]: ${e.message}`);
        throw e;
      }
    }
    for (const t of p.templates ?? []) out.push(fromTemplate(t, this.modelId));
    return out;
  }

  private result(sim: number | null): VerifyResult {
    const score = sim === null ? 0 : scoreOf(sim);
    const band = bandOf(score);
    return { similarity: sim ?? 0, score, band, identity: identityOf(band) };
  }

  /**
   * 1:1: the examined person against an enrolled one. The answer is the calibrated score
   * (−100…+100, a float) of the mean cosine over every pair of samples (each examined sample
   * against each enrolled template): cumulative over the samples, so one lucky template does not
   * decide. 0 when the examined person has no usable face; null when the enrolled one is absent.
   */
  async verify(id: string, p: Person): Promise<number | null> {
    this.requireReady();
    return this.queue.run(async () => {
      const rec = await this.storeCall(() => this.store.get(id));
      if (!rec) return null;
      const probes = await this.samples(p);
      if (!probes.length) return 0;
      const refs = rec.templates.filter((t) => sameModel(t, this.modelId));
      if (!refs.length) throw new KitError('TEMPLATE_MODEL_MISMATCH', 'the person has no template of this matcher\'s model; run audit');
      const vrefs = refs.map((t) => fromTemplate(t, this.modelId));
      let sum = 0;
      for (const q of probes) for (const r of vrefs) sum += cosine(q, r);
      const score = calibratedScore(sum / (probes.length * vrefs.length));
      this.note(id, { at: Date.now(), kind: 'VERIFICATION', score, band: bandOf(score) });
      return score;
    });
  }

  /** 1:1 between two submitted images, nothing enrolled. */
  async verifyPair(a: Uint8Array, b: Uint8Array): Promise<VerifyResult> {
    return this.queue.run(async () => {
      const qa = await this.probe(a), qb = qa ? await this.probe(b) : null;
      return this.result(qa && qb ? cosine(qa, qb) : null);
    });
  }

  /**
   * 1:N over the named galleries' in-RAM matrices (`default` when none is named; never another),
   * best first; each person once with its best sample. The coverage reached comes with it.
   */
  async identify(r: IdentifyRequest): Promise<{ matches: MatchObject[]; coverage: number }> {
    this.requireReady();
    const minCoverage = r.minCoverage ?? 1;
    const below = (c: number) => new KitError('COVERAGE_TOO_LOW', `coverage ${c.toFixed(3)} is below the requested ${minCoverage}`);
    if (this.cluster && this.cluster.coverage() < minCoverage) throw below(this.cluster.coverage());
    const galleries = [...new Set([...(r.galleries ?? []), ...(r.gallery ? [r.gallery] : [])])];
    if (!galleries.length) galleries.push(DEFAULT_GALLERY);
    // in a cluster a gallery may have no member cached on this node: an empty answer there
    for (const g of galleries) if (!this.cluster && g !== DEFAULT_GALLERY && !this.cache.has(g)) throw new KitError('GALLERY_NOT_FOUND', `no such gallery: ${g}`);
    if (r.probe && (r.image || r.template)) throw new KitError('SCHEMA_VIOLATION', 'send the probe as probe, or as one image or template, not both');
    const probe: Person = r.probe ?? { images: r.image ? [r.image] : undefined, templates: r.template ? [r.template] : undefined };
    return this.queue.run(async () => {
      const qs = await this.samples(probe);
      const k = r.maxResults ?? this.config.defaultMaxResults;
      let coverage = this.cluster?.coverage() ?? 1;
      if (!qs.length) return { matches: [], coverage };
      const threshold = r.threshold ?? this.config.defaultIdentifyThreshold;
      const best = new Map<string, number>();
      for (const g of galleries) {
        for (const q of qs) {
          const found = await this.searchGallery(g, q, k);
          coverage = Math.min(coverage, found.coverage);
          for (const h of found.hits) if ((best.get(h.id) ?? -Infinity) < h.similarity) best.set(h.id, h.similarity);
        }
      }
      // a node lost during the scatter lowers the coverage reached: below the minimum, no silent partial answer
      if (coverage < minCoverage) throw below(coverage);
      const matches = [...best]
        .map(([id, similarity]) => ({ id, score: scoreOf(similarity), similarity }))
        .filter((m) => m.score >= threshold)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k);
      return { matches, coverage };
    });
  }
}
