import pg from 'pg';
import type { RawTuple } from './pg-binary-copy.ts';
import { copyOut } from './pg-copy-out.ts';
import { compactRowOf } from '../index/quantise.ts';
import { eventOf, sha256hex, type Duplicate, type MatcherStore, type PersonEvent, type PersonRecord, type StoredImage, type StoredTemplate, type TemplateRow, type CompactBatch } from './store.ts';
import type { ModelId } from '../template.ts';

const SCHEMA = `
-- nodes that start together create the schema one at a time (IF NOT EXISTS alone races on the
-- catalogue); the lock ends with this statement list's implicit transaction
SELECT pg_advisory_xact_lock(7414117);
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
-- each template's int8 row (index/quantise.ts), written with it: a compact cache load copies it as is
ALTER TABLE templates ADD COLUMN IF NOT EXISTS q8 BYTEA;
CREATE INDEX IF NOT EXISTS persons_named_galleries ON persons (id) WHERE galleries <> '["default"]'::jsonb;
-- rows written before q8 existed (or by an older writer): a compact load finds them here, not by a second pass
CREATE INDEX IF NOT EXISTS templates_without_q8 ON templates (person_id) WHERE q8 IS NULL;
-- tells a compact load at once whether any template is another model's (a few bytes a key: btree deduplication)
CREATE INDEX IF NOT EXISTS templates_model ON templates (model, version, dims);
`;

/** a cache load reads every table in one snapshot */
const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

interface TplRow { person_id: string; idx: number; model: string; version: string; dims: number; dtype: 'f32' | 'i8'; data: Buffer; source: 'image' | 'submitted'; image_index: number | null; sha256: string; galleries?: string[] }

/** persons outside the default gallery alone (a partial index finds the few there are) */
const NAMED_GALLERIES = `galleries <> '["default"]'::jsonb`;

/** Rows of a compact cache load gathered into one CompactBatch (store.ts), reused after each flush. */
class BatchBuilder {
  readonly batch: CompactBatch;
  private readonly bytes: Uint8Array;
  private idUsed = 0;
  private readonly out: DataView;
  /** the DataView of the last source buffer (a network chunk holds many rows) */
  private src: Uint8Array | null = null;
  private srcView: DataView | null = null;

  constructor(private readonly d: number, private readonly cap: number, first: boolean, private readonly galleriesOf: Map<string, string[]>) {
    this.batch = { n: 0, ids: new Uint8Array(cap * 24), idEnd: new Int32Array(cap), rows: new Int8Array(cap * d), galleries: new Map(), first };
    this.bytes = new Uint8Array(this.batch.rows.buffer);
    this.out = new DataView(this.batch.rows.buffer);
  }

  get full(): boolean { return this.batch.n === this.cap; }

  /** Appends the row whose id is `src[s..e)` and whose d int8 bytes start at `row[at]`. */
  add(src: Buffer, s: number, e: number, row: Uint8Array, at: number): void {
    const b = this.batch, d = this.d;
    if (this.idUsed + (e - s) > b.ids.length) {
      const ids = new Uint8Array(Math.max(b.ids.length * 2, this.idUsed + (e - s)));
      ids.set(b.ids.subarray(0, this.idUsed));
      b.ids = ids;
    }
    // the id's few bytes by a loop, the row by one set (measured: a byte loop over d bytes costs
    // about 4 times more here, Buffer.copy about twice)
    const ids = b.ids;
    let u = this.idUsed;
    for (let i = s; i < e; i++) ids[u++] = src[i];
    this.idUsed = u;
    b.idEnd[b.n] = u;
    if (row !== this.src) {
      this.src = row;
      this.srcView = new DataView(row.buffer, row.byteOffset, row.byteLength);
    }
    const from = this.srcView!, to = this.out, o = b.n * d;
    let i = 0;
    for (; i + 4 <= d; i += 4) to.setInt32(o + i, from.getInt32(at + i, true), true);
    for (; i < d; i++) this.bytes[o + i] = row[at + i];
    if (this.galleriesOf.size) {
      const gs = this.galleriesOf.get(src.toString('utf8', s, e));
      if (gs) b.galleries.set(b.n, gs);
    }
    b.n++;
  }

  /** Hands the rows out and starts again; returns how many there were. */
  flush(onBatch: (b: CompactBatch) => void): number {
    const n = this.batch.n;
    if (n) onBatch(this.batch);
    this.batch.n = 0;
    this.idUsed = 0;
    this.batch.galleries.clear();
    return n;
  }
}

/** A SQL string literal (COPY takes no parameters). */
const literal = (x: string) => `'${x.replace(/'/g, "''")}'`;
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const tpl = (r: TplRow): StoredTemplate => ({ model: r.model, version: r.version, dims: r.dims, dtype: r.dtype, data: u8(r.data), source: r.source, imageIndex: r.image_index, sha256: r.sha256 });

/** PostgreSQL store (`pg`): same interface and test suite as the embedded one; commit = durable. */
export async function openPostgresStore(url: string, o: { max?: number } = {}): Promise<MatcherStore> {
  const pool = new pg.Pool({ connectionString: url, max: o.max ?? 4, connectionTimeoutMillis: 5000 });
  // a dropped idle connection must not crash the process: errors surface on the next query
  pool.on('error', () => undefined);
  await pool.query(SCHEMA);
  async function tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query(begin);
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
  const copyBinary = (c: pg.PoolClient, sql: string, onTuple: RawTuple) => copyOut(c, `COPY (${sql}) TO STDOUT (FORMAT binary)`, onTuple);
  /** the galleries of the persons outside the default gallery alone (most persons travel no galleries) */
  async function namedGalleries(c: pg.PoolClient): Promise<Map<string, string[]>> {
    const galleriesOf = new Map<string, string[]>();
    await copyBinary(c, `SELECT id, galleries::text FROM persons WHERE ${NAMED_GALLERIES}`, (buf, _n, st, len) => {
      const gs = JSON.parse(buf.toString('utf8', st[1], st[1] + len[1])) as string[];
      if (gs.length) galleriesOf.set(buf.toString('utf8', st[0], st[0] + len[0]), gs);
    });
    return galleriesOf;
  }
  const count = async () => Number((await pool.query('SELECT COUNT(*)::int AS n FROM persons')).rows[0].n);
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
            const q8 = compactRowOf(t);
            params.push(p.id, i, t.model, t.version, t.dims, t.dtype, Buffer.from(t.data), t.source, t.imageIndex, t.sha256, q8 && Buffer.from(q8.buffer, q8.byteOffset, q8.byteLength));
            return `(${Array.from({ length: 11 }, (_, k) => `$${i * 11 + k + 1}`).join(',')})`;
          });
          await c.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256, q8) VALUES ${rows.join(',')}`, params);
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
    count,
    async estimateCount() {
      // the planner's row count (kept by ANALYZE and autovacuum) costs nothing; a table never
      // analysed (−1) is counted
      const r = await pool.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'persons'::regclass`);
      const n = Number(r.rows[0]?.n ?? -1);
      return n >= 0 ? Math.round(n) : count();
    },
    async scanTemplates(onPage: (rows: TemplateRow[]) => void, pageSize = 5000) {
      // two binary COPYs in one repeatable-read snapshot (persons' galleries, then every template):
      // the server streams each table whole, with no join, no per-page query and no text decoding
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
      const field = (b: Buffer, st: Int32Array, len: Int32Array, i: number) => (len[i] < 0 ? null : b.subarray(st[i], st[i] + len[i]));
      return tx(async (c) => {
        const galleriesOf = await namedGalleries(c);
        const inDefault = ['default'];
        const model = repeated(utf8), version = repeated(utf8), dtype = repeated(utf8), source = repeated(utf8);
        let page: TemplateRow[] = [], total = 0;
        await copyBinary(c, 'SELECT person_id, model, version, dims, dtype, data, source, image_index, sha256 FROM templates', (b, _n, st, len) => {
          const f = (i: number) => field(b, st, len, i);
          const id = b.toString('utf8', st[0], st[0] + len[0]);
          const imageIndex = f(7), sha = f(8);
          page.push({
            id, galleries: galleriesOf.get(id) ?? inDefault,
            template: {
              // a view into the received chunk, not a copy: rows are read during onPage (see the interface)
              model: model(f(1)), version: version(f(2)), dims: b.readInt32BE(st[3]), dtype: dtype(f(4)) as 'f32' | 'i8', data: f(5)!,
              source: source(f(6)) as 'image' | 'submitted', imageIndex: imageIndex ? imageIndex.readInt32BE(0) : null, sha256: sha ? sha.toString('latin1') : '',
            },
          });
          if (page.length >= pageSize) { onPage(page); total += page.length; page = []; }
        });
        if (page.length) { onPage(page); total += page.length; }
        return total;
      }, SNAPSHOT);
    },
    async scanCompact(m: ModelId, onBatch: (b: CompactBatch) => void, batchRows = 8192) {
      // one snapshot, three binary COPYs: the galleries of persons outside `default` alone, one
      // pass over the model's templates, each its person id and stored int8 row (1 byte per
      // dimension on the wire), then the rows written before the q8 column existed (a partial
      // index finds them), which bring their data and are quantised here
      const d = Math.trunc(m.dims);
      return tx(async (c) => {
        const galleriesOf = await namedGalleries(c);
        // first templates (idx 0) go out as they come; the others after them all (see CompactBatch.first)
        const first = new BatchBuilder(d, batchRows, true, galleriesOf);
        const later: CompactBatch[] = [];
        let rest = new BatchBuilder(d, batchRows, false, galleriesOf);
        let total = 0;
        const add = (buf: Buffer, st: Int32Array, len: Int32Array, row: Uint8Array, at: number) => {
          const isFirst = len[1] === 4 && buf[st[1]] === 0 && buf[st[1] + 1] === 0 && buf[st[1] + 2] === 0 && buf[st[1] + 3] === 0;
          const to = isFirst ? first : rest;
          to.add(buf, st[0], st[0] + len[0], row, at);
          if (!to.full) return;
          if (isFirst) total += first.flush(onBatch);
          else { later.push(rest.batch); rest = new BatchBuilder(d, batchRows, false, galleriesOf); }
        };
        const ofModel = `model = ${literal(m.model)} AND version = ${literal(m.version)} AND dims = ${d}`;
        // when every template is this model's (two probes of templates_model), the table itself is
        // copied: a COPY of three columns of the table costs the server about 20 % less than the
        // same rows through a query (measured on 1M rows), and rows without q8 are skipped here
        const key = `(${literal(m.model)}, ${literal(m.version)}, ${d})`;
        const { only } = (await c.query<{ only: boolean }>(
          `SELECT NOT EXISTS (SELECT 1 FROM templates WHERE (model, version, dims) < ${key}) AND NOT EXISTS (SELECT 1 FROM templates WHERE (model, version, dims) > ${key}) AS only`,
        )).rows[0];
        const main = only ? 'COPY templates (person_id, idx, q8) TO STDOUT (FORMAT binary)' : `COPY (SELECT person_id, idx, q8 FROM templates WHERE ${ofModel} AND q8 IS NOT NULL) TO STDOUT (FORMAT binary)`;
        await copyOut(c, main, (buf, _n, st, len) => {
          // a row without q8 comes next; one of another length is corrupt (the audit reports it)
          if (len[2] === d) add(buf, st, len, buf, st[2]);
        });
        await copyBinary(c, `SELECT person_id, idx, dtype, data FROM templates WHERE q8 IS NULL AND ${ofModel}`, (buf, _n, st, len) => {
          const row = compactRowOf({ ...m, dtype: buf.toString('latin1', st[2], st[2] + Math.max(0, len[2])) as 'f32' | 'i8', data: buf.subarray(st[3], st[3] + Math.max(0, len[3])) });
          if (row) add(buf, st, len, new Uint8Array(row.buffer), 0); // else corrupt: the audit reports it
        });
        total += first.flush(onBatch);
        later.push(rest.batch);
        for (const b of later) if (b.n) { onBatch(b); total += b.n; }
        return total;
      }, SNAPSHOT);
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
