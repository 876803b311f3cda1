import { createHash } from 'node:crypto';
import type { ModelId } from '../template.ts';

/** A template as stored: the model header, the bytes, a checksum and where it came from. */
export interface StoredTemplate {
  model: string;
  version: string;
  dims: number;
  dtype: 'f32' | 'i8';
  data: Uint8Array;
  /** 'image': extracted by us from images[imageIndex]; 'submitted': sent as a template */
  source: 'image' | 'submitted';
  imageIndex: number | null;
  sha256: string;
}

export interface StoredImage { data: Uint8Array; sha256: string }

export type Metadata = Record<string, string | number | boolean>;

export interface Duplicate { id: string; similarity: number }

/** Everything about a person except the image bytes (those live in their own table). */
export interface PersonRecord {
  id: string;
  galleries: string[];
  metadata: Metadata;
  templates: StoredTemplate[];
  /** per reference image, the ICAO-style quality report (opaque JSON to the store) */
  quality: unknown[];
  /** persons this one matched at enrolment (de-duplication search) */
  duplicates: Duplicate[];
  imageCount: number;
  updatedAt: number;
}

/** One line of a person's history (the identity report reads it); never biometric data. */
export interface PersonEvent {
  at: number;
  kind: 'ENROLMENT' | 'UPDATE' | 'AUDIT' | 'VERIFICATION';
  /** VERIFICATION: the calibrated score and its band */
  score?: number;
  band?: string;
  detail?: string;
}

/** A history row as a PersonEvent (absent columns left out). */
export function eventOf(r: { at: number | string; kind: PersonEvent['kind']; score: number | null; band: string | null; detail: string | null }): PersonEvent {
  return { at: Number(r.at), kind: r.kind, ...(r.score !== null ? { score: Number(r.score) } : {}), ...(r.band !== null ? { band: r.band } : {}), ...(r.detail !== null ? { detail: r.detail } : {}) };
}

export interface TemplateRow { id: string; galleries: string[]; template: StoredTemplate }

/**
 * A batch of a compact cache load (MatcherStore.scanCompact): `n` rows of one model, each its
 * person's id and the template's int8 row (index/quantise.ts). Valid during the callback only.
 */
export interface CompactBatch {
  n: number;
  /** the ids' UTF-8 bytes back to back: row r's id is `ids[idEnd[r - 1] ?? 0 .. idEnd[r])` */
  ids: Uint8Array;
  idEnd: Int32Array;
  /** n × dims int8 rows */
  rows: Int8Array;
  /** row → its person's galleries, for persons outside the default gallery alone (the rare case) */
  galleries: Map<number, string[]>;
  /** each row is its person's first template (idx 0): no id appears twice in the batch, nor in an earlier `first` batch */
  first: boolean;
}

/** One interface, two implementations (sqlite.ts embedded default, postgres.ts); same test suite. */
export interface MatcherStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Atomic add-or-replace of a person and its images; resolves only once committed. */
  put(person: PersonRecord, images: Uint8Array[]): Promise<void>;
  get(id: string): Promise<PersonRecord | null>;
  images(id: string): Promise<StoredImage[]>;
  /** true when something was deleted */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
  /** About how many persons there are (sizes a cache load; may be stale); absent: count() */
  estimateCount?(): Promise<number>;
  /**
   * Streams every template in pages (cache load); returns the number of rows. A page and its
   * templates' `data` are valid during `onPage` only (they may be views of a network buffer):
   * copy what you keep.
   */
  scanTemplates(onPage: (rows: TemplateRow[]) => void, pageSize?: number): Promise<number>;
  /**
   * The compact cache load, where the store keeps each template's int8 row: every template of
   * model `m` in batches (valid during `onBatch` only); returns the number of rows. Absent: the
   * loader quantises what scanTemplates hands out.
   */
  scanCompact?(m: ModelId, onBatch: (b: CompactBatch) => void): Promise<number>;
  /** Every person's id and last change (ms), in pages: the cluster's id set and its rescan. */
  scanPersons(onPage: (rows: { id: string; updatedAt: number }[]) => void, pageSize?: number): Promise<number>;
  /** Appends to a stored person's history (nothing when the person is absent); erased with the person. */
  addEvent(id: string, e: PersonEvent): Promise<void>;
  /** A person's history, newest first, at most `limit` lines. */
  events(id: string, limit?: number): Promise<PersonEvent[]>;
  /** Persons whose enrolment found duplicates. */
  listDuplicates(): Promise<{ id: string; duplicates: Duplicate[] }[]>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function sha256hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
