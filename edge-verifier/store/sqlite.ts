import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SqlStore, type Row, type SqlDriver, type SqlValue } from './sql-store.ts';
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
  const s = new SqlStore(driver);
  return {
    createSession: async (x) => s.createSession(x),
    getSession: async (sid) => s.getSession(sid),
    listSessions: async (i, l) => s.listSessions(i, l),
    claimAttempt: async (sid, n, now, b) => s.claimAttempt(sid, n, now, b),
    releaseAttempt: async (sid, n, now) => s.releaseAttempt(sid, n, now),
    retryAttempt: async (sid, n, next, sum, now) => s.retryAttempt(sid, n, next, sum, now),
    finalize: async (sid, n, f, now) => s.finalize(sid, n, f, now),
    redeemCode: async (h, i, now) => s.redeemCode(h, i, now),
    review: async (sid, sum, v, now) => s.review(sid, sum, v, now),
    getEvidence: async (sid, n) => s.getEvidence(sid, n),
    recordEvent: async (sid, st, id, body, now) => s.recordEvent(sid, st, id, body, now),
    markEventDelivered: async (id, d, now) => s.markEventDelivered(id, d, now),
    purge: async (r, e) => s.purge(r, e),
    close: () => db.close(),
  };
}
