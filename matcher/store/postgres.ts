import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { BinaryCopyParser } from './pg-binary-copy.ts';
import { eventOf, sha256hex, type Duplicate, type MatcherStore, type PersonEvent, type PersonRecord, type StoredImage, type StoredTemplate, type TemplateRow } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS persons (
  id TEXT PRIMARY KEY, galleries JSONB NOT NULL, metadata JSONB NOT NULL, quality JSONB NOT NULL,
  duplicates JSONB NOT NULL, image_count INTEGER NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS templates (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  model TEXT NOT NULL, version TEXT NOT NULL, dims INTEGER NOT NULL, dtype TEXT NOT NULL,
  data BYTEA NOT NULL, source TEXT NOT NULL, image_index INTEGER, sha256 TEXT NOT NULL,
  PRIMARY KEY (person_id, idx));
CREATE TABLE IF NOT EXISTS images (
  person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  data BYTEA NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (person_id, idx));
CREATE TABLE IF NOT EXISTS person_events (
  seq BIGSERIAL PRIMARY KEY, person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
  at BIGINT NOT NULL, kind TEXT NOT NULL, score DOUBLE PRECISION, band TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS person_events_person ON person_events (person_id, seq);
`;

interface TplRow { person_id: string; idx: number; model: string; version: string; dims: number; dtype: 'f32' | 'i8'; data: Buffer; source: 'image' | 'submitted'; image_index: number | null; sha256: string; galleries?: string[] }

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const tpl = (r: TplRow): StoredTemplate => ({ model: r.model, version: r.version, dims: r.dims, dtype: r.dtype, data: u8(r.data), source: r.source, imageIndex: r.image_index, sha256: r.sha256 });

/** PostgreSQL store (`pg`): same interface and test suite as the embedded one; commit = durable. */
export async function openPostgresStore(url: string, o: { max?: number } = {}): Promise<MatcherStore> {
  const pool = new pg.Pool({ connectionString: url, max: o.max ?? 4, connectionTimeoutMillis: 5000 });
  // a dropped idle connection must not crash the process: errors surface on the next query
  pool.on('error', () => undefined);
  await pool.query(SCHEMA);
  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }
  return {
    kind: 'postgres',
    async put(p: PersonRecord, images: Uint8Array[]) {
      await tx(async (c) => {
        await c.query(
          `INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
           ON CONFLICT (id) DO UPDATE SET galleries=EXCLUDED.galleries, metadata=EXCLUDED.metadata, quality=EXCLUDED.quality,
           duplicates=EXCLUDED.duplicates, image_count=EXCLUDED.image_count, updated_at=EXCLUDED.updated_at`,
          [p.id, JSON.stringify(p.galleries), JSON.stringify(p.metadata), JSON.stringify(p.quality), JSON.stringify(p.duplicates), p.imageCount, p.updatedAt],
        );
        await c.query('DELETE FROM templates WHERE person_id = $1', [p.id]);
        await c.query('DELETE FROM images WHERE person_id = $1', [p.id]);
        // one multi-row INSERT per table: fewer round trips inside the transaction
        if (p.templates.length) {
          const params: unknown[] = [];
          const rows = p.templates.map((t, i) => {
            params.push(p.id, i, t.model, t.version, t.dims, t.dtype, Buffer.from(t.data), t.source, t.imageIndex, t.sha256);
            return `(${Array.from({ length: 10 }, (_, k) => `$${i * 10 + k + 1}`).join(',')})`;
          });
          await c.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256) VALUES ${rows.join(',')}`, params);
        }
        if (images.length) {
          const params: unknown[] = [];
          const rows = images.map((b, i) => {
            params.push(p.id, i, Buffer.from(b), sha256hex(b));
            return `($${i * 4 + 1},$${i * 4 + 2},$${i * 4 + 3},$${i * 4 + 4})`;
          });
          await c.query(`INSERT INTO images (person_id, idx, data, sha256) VALUES ${rows.join(',')}`, params);
        }
      });
    },
    async get(id) {
      const r = await pool.query('SELECT * FROM persons WHERE id = $1', [id]);
      if (!r.rowCount) return null;
      const p = r.rows[0];
      const t = await pool.query<TplRow>('SELECT * FROM templates WHERE person_id = $1 ORDER BY idx', [id]);
      return {
        id: p.id, galleries: p.galleries, metadata: p.metadata, quality: p.quality, duplicates: p.duplicates,
        imageCount: p.image_count, updatedAt: Number(p.updated_at), templates: t.rows.map(tpl),
      };
    },
    async images(id): Promise<StoredImage[]> {
      const r = await pool.query<{ data: Buffer; sha256: string }>('SELECT data, sha256 FROM images WHERE person_id = $1 ORDER BY idx', [id]);
      return r.rows.map((x) => ({ data: u8(x.data), sha256: x.sha256 }));
    },
    async delete(id) { return ((await pool.query('DELETE FROM persons WHERE id = $1', [id])).rowCount ?? 0) > 0; },
    async count() { return Number((await pool.query('SELECT COUNT(*)::int AS n FROM persons')).rows[0].n); },
    async scanTemplates(onPage: (rows: TemplateRow[]) => void, pageSize = 5000) {
      // two binary COPYs in one repeatable-read snapshot (persons' galleries, then every template):
      // the server streams each table whole, with no join, no per-page query and no text decoding
      const c = await pool.connect();
      let total = 0;
      const copy = async (sql: string, onTuple: (f: (Buffer | null)[]) => void) => {
        const parser = new BinaryCopyParser();
        for await (const chunk of c.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) parser.push(chunk, onTuple);
      };
      // columns that repeat row after row are decoded once per distinct value, compared as bytes
      const repeated = <T>(decode: (b: Buffer) => T) => {
        let last: Buffer | null = null, value: T;
        return (b: Buffer | null): T => {
          if (!b) return decode(Buffer.alloc(0));
          if (last === null || !last.equals(b)) { last = Buffer.from(b); value = decode(b); }
          return value;
        };
      };
      const utf8 = (b: Buffer) => b.toString('utf8');
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        // most persons are in the default gallery only: just the others travel (and fill a map)
        const galleriesOf = new Map<string, string[]>();
        const galleries = repeated((b) => JSON.parse(b.toString('utf8')) as string[]);
        await copy(`SELECT id, galleries::text FROM persons WHERE galleries <> '["default"]'::jsonb`, (f) => galleriesOf.set(f[0]!.toString('utf8'), galleries(f[1])));
        const inDefault = ['default'];
        const model = repeated(utf8), version = repeated(utf8), dtype = repeated(utf8), source = repeated(utf8);
        let page: TemplateRow[] = [];
        await copy('SELECT person_id, model, version, dims, dtype, data, source, image_index, sha256 FROM templates', (f) => {
          const id = f[0]!.toString('utf8');
          page.push({
            id, galleries: galleriesOf.get(id) ?? inDefault,
            template: {
              // a view into the received chunk, not a copy: rows are read during onPage (see the interface)
              model: model(f[1]), version: version(f[2]), dims: f[3]!.readInt32BE(0), dtype: dtype(f[4]) as 'f32' | 'i8', data: f[5]!,
              source: source(f[6]) as 'image' | 'submitted', imageIndex: f[7] ? f[7].readInt32BE(0) : null, sha256: f[8] ? f[8].toString('latin1') : '',
            },
          });
          if (page.length >= pageSize) { onPage(page); total += page.length; page = []; }
        });
        if (page.length) { onPage(page); total += page.length; }
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
      return total;
    },
    async scanPersons(onPage, pageSize = 10_000) {
      let last = '', total = 0;
      for (;;) {
        const r = await pool.query<{ id: string; updated_at: string }>('SELECT id, updated_at FROM persons WHERE id > $1 ORDER BY id LIMIT $2', [last, pageSize]);
        if (!r.rows.length) break;
        onPage(r.rows.map((x) => ({ id: x.id, updatedAt: Number(x.updated_at) })));
        total += r.rows.length;
        last = r.rows[r.rows.length - 1].id;
        if (r.rows.length < pageSize) break;
      }
      return total;
    },
    async addEvent(id, e) {
      await pool.query(
        `INSERT INTO person_events (person_id, at, kind, score, band, detail) SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM persons WHERE id = $1)`,
        [id, e.at, e.kind, e.score ?? null, e.band ?? null, e.detail ?? null],
      ).catch((err: { code?: string }) => {
        // the person was deleted between the check and the insert: nothing to record
        if (err.code !== '23503') throw err;
      });
    },
    async events(id, limit = 50) {
      const r = await pool.query<{ at: string; kind: PersonEvent['kind']; score: number | null; band: string | null; detail: string | null }>(
        'SELECT at, kind, score, band, detail FROM person_events WHERE person_id = $1 ORDER BY seq DESC LIMIT $2', [id, limit]);
      return r.rows.map(eventOf);
    },
    async listDuplicates() {
      const r = await pool.query<{ id: string; duplicates: Duplicate[] }>(`SELECT id, duplicates FROM persons WHERE duplicates <> '[]'::jsonb ORDER BY id`);
      return r.rows;
    },
    async ping() { await pool.query('SELECT 1'); },
    async close() { await pool.end(); },
  };
}
