import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { asyncStore, SqlStore, type Row, type SqlDriver, type SqlValue } from './sql-store.ts';
import type { VerifierStore } from './types.ts';

function bind(p: SqlValue): SqlValue | Buffer {
  return p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
}

/**
 * Embedded store for Node: better-sqlite3 in WAL with synchronous=FULL (an acknowledged nonce
 * consumption survives kill -9). Several processes may share one file; BEGIN IMMEDIATE plus a
 * busy timeout serialises their check-and-sets.
 */
export function openSqliteStore(file: string): VerifierStore & { close(): void } {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const cache = new Map<string, Database.Statement>();
  const driver: SqlDriver = {
    all(sql: string, ...params: SqlValue[]): Row[] {
      let st = cache.get(sql);
      if (!st) {
        st = db.prepare(sql);
        cache.set(sql, st);
      }
      const args = params.map(bind);
      if (st.reader) return st.all(...args) as Row[];
      st.run(...args);
      return [];
    },
    tx<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
  };
  return { ...asyncStore(new SqlStore(driver)), close: () => db.close() };
}
