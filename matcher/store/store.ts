import { createHash } from 'node:crypto';

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
  /**
   * Streams every template in pages (cache load); returns the number of rows. A page and its
   * templates' `data` are valid during `onPage` only (they may be views of a network buffer):
   * copy what you keep.
   */
  scanTemplates(onPage: (rows: TemplateRow[]) => void, pageSize?: number): Promise<number>;
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
