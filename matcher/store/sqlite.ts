import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventOf, sha256hex, type Duplicate, type MatcherStore, type PersonEvent, type PersonRecord, type StoredImage, type StoredTemplate, type TemplateRow } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS persons (
  id TEXT PRIMARY KEY, galleries TEXT NOT NULL, metadata TEXT NOT NULL, quality TEXT NOT NULL,
  duplicates TEXT NOT NULL, image_count INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS templates (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  model TEXT NOT NULL, version TEXT NOT NULL, dims INTEGER NOT NULL, dtype TEXT NOT NULL,
  data BLOB NOT NULL, source TEXT NOT NULL, image_index INTEGER, sha256 TEXT NOT NULL,
  PRIMARY KEY (person_id, idx));
CREATE TABLE IF NOT EXISTS images (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  data BLOB NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (person_id, idx));
CREATE TABLE IF NOT EXISTS person_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  at INTEGER NOT NULL, kind TEXT NOT NULL, score REAL, band TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS person_events_person ON person_events (person_id, seq);
`;

interface PersonRow { id: string; galleries: string; metadata: string; quality: string; duplicates: string; image_count: number; updated_at: number }
interface TplRow { person_id: string; idx: number; model: string; version: string; dims: number; dtype: 'f32' | 'i8'; data: Buffer; source: 'image' | 'submitted'; image_index: number | null; sha256: string; galleries?: string }

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const tpl = (r: TplRow): StoredTemplate => ({ model: r.model, version: r.version, dims: r.dims, dtype: r.dtype, data: u8(r.data), source: r.source, imageIndex: r.image_index, sha256: r.sha256 });

/**
 * Embedded default store: better-sqlite3, WAL + synchronous=FULL, so a resolved put() survives
 * kill -9 (TOOLCHAIN.md measured 200/200). Persons, templates and images in separate tables.
 */
export function openSqliteStore(file: string): MatcherStore {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  const q = {
    upsertPerson: db.prepare(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at)
      VALUES (@id, @galleries, @metadata, @quality, @duplicates, @image_count, @updated_at)
      ON CONFLICT(id) DO UPDATE SET galleries=excluded.galleries, metadata=excluded.metadata, quality=excluded.quality,
      duplicates=excluded.duplicates, image_count=excluded.image_count, updated_at=excluded.updated_at`),
    delTemplates: db.prepare('DELETE FROM templates WHERE person_id = ?'),
    delImages: db.prepare('DELETE FROM images WHERE person_id = ?'),
    insTemplate: db.prepare(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insImage: db.prepare('INSERT INTO images (person_id, idx, data, sha256) VALUES (?, ?, ?, ?)'),
    getPerson: db.prepare('SELECT * FROM persons WHERE id = ?'),
    getTemplates: db.prepare('SELECT * FROM templates WHERE person_id = ? ORDER BY idx'),
    getImages: db.prepare('SELECT data, sha256 FROM images WHERE person_id = ? ORDER BY idx'),
    delPerson: db.prepare('DELETE FROM persons WHERE id = ?'),
    count: db.prepare('SELECT COUNT(*) AS n FROM persons'),
    scan: db.prepare(`SELECT t.*, p.galleries FROM templates t JOIN persons p ON p.id = t.person_id`),
    persons: db.prepare('SELECT id, updated_at FROM persons'),
    dups: db.prepare(`SELECT id, duplicates FROM persons WHERE duplicates <> '[]' ORDER BY id`),
    addEvent: db.prepare(`INSERT INTO person_events (person_id, at, kind, score, band, detail)
      SELECT @id, @at, @kind, @score, @band, @detail WHERE EXISTS (SELECT 1 FROM persons WHERE id = @id)`),
    events: db.prepare('SELECT at, kind, score, band, detail FROM person_events WHERE person_id = ? ORDER BY seq DESC LIMIT ?'),
  };
  const put = db.transaction((p: PersonRecord, images: Uint8Array[], imageHashes: string[]) => {
    q.upsertPerson.run({
      id: p.id, galleries: JSON.stringify(p.galleries), metadata: JSON.stringify(p.metadata), quality: JSON.stringify(p.quality),
      duplicates: JSON.stringify(p.duplicates), image_count: p.imageCount, updated_at: p.updatedAt,
    });
    q.delTemplates.run(p.id);
    q.delImages.run(p.id);
    p.templates.forEach((t, i) => q.insTemplate.run(p.id, i, t.model, t.version, t.dims, t.dtype, Buffer.from(t.data), t.source, t.imageIndex, t.sha256));
    images.forEach((b, i) => q.insImage.run(p.id, i, Buffer.from(b), imageHashes[i]));
  });
  return {
    kind: 'sqlite',
    async put(p, images) {
      put(p, images, images.map(sha256hex));
    },
    async get(id) {
      const r = q.getPerson.get(id) as PersonRow | undefined;
      if (!r) return null;
      return {
        id: r.id, galleries: JSON.parse(r.galleries), metadata: JSON.parse(r.metadata), quality: JSON.parse(r.quality),
        duplicates: JSON.parse(r.duplicates), imageCount: r.image_count, updatedAt: r.updated_at,
        templates: (q.getTemplates.all(id) as TplRow[]).map(tpl),
      };
    },
    async images(id): Promise<StoredImage[]> {
      return (q.getImages.all(id) as { data: Buffer; sha256: string }[]).map((r) => ({ data: u8(r.data), sha256: r.sha256 }));
    },
    async delete(id) { return q.delPerson.run(id).changes > 0; },
    async count() { return (q.count.get() as { n: number }).n; },
    async scanTemplates(onPage: (rows: TemplateRow[]) => void, pageSize = 5000) {
      // one read transaction streamed by the iterator (a consistent snapshot under WAL)
      let page: TemplateRow[] = [], total = 0, lastG = '', parsed: string[] = [];
      for (const r of q.scan.iterate() as IterableIterator<TplRow>) {
        if (r.galleries !== lastG) { lastG = r.galleries!; parsed = JSON.parse(lastG); }
        page.push({ id: r.person_id, galleries: parsed, template: tpl(r) });
        if (page.length >= pageSize) { onPage(page); total += page.length; page = []; }
      }
      if (page.length) { onPage(page); total += page.length; }
      return total;
    },
    async scanPersons(onPage, pageSize = 10_000) {
      let page: { id: string; updatedAt: number }[] = [], total = 0;
      for (const r of q.persons.iterate() as IterableIterator<{ id: string; updated_at: number }>) {
        page.push({ id: r.id, updatedAt: Number(r.updated_at) });
        if (page.length >= pageSize) { onPage(page); total += page.length; page = []; }
      }
      if (page.length) { onPage(page); total += page.length; }
      return total;
    },
    async addEvent(id, e) {
      q.addEvent.run({ id, at: e.at, kind: e.kind, score: e.score ?? null, band: e.band ?? null, detail: e.detail ?? null });
    },
    async events(id, limit = 50) {
      return (q.events.all(id, limit) as { at: number; kind: PersonEvent['kind']; score: number | null; band: string | null; detail: string | null }[])
        .map((r) => eventOf(r));
    },
    async listDuplicates() {
      return (q.dups.all() as { id: string; duplicates: string }[]).map((r) => ({ id: r.id, duplicates: JSON.parse(r.duplicates) as Duplicate[] }));
    },
    async ping() { db.prepare('SELECT 1').get(); },
    async close() { db.close(); },
  };
}
