import type { ClaimBinding, ClaimResult, Finalize, NewSession, SessionRecord, VerdictSummary } from './types.ts';

export type SqlValue = string | number | null | Uint8Array;
export type Row = Record<string, SqlValue>;

/** The few synchronous SQLite operations both backends (better-sqlite3, Durable Object SQL) provide. */
export interface SqlDriver {
  all(sql: string, ...params: SqlValue[]): Row[];
  /** runs fn atomically (BEGIN IMMEDIATE on Node; transactionSync in a Durable Object) */
  tx<T>(fn: () => T): T;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sessions (
     sid TEXT PRIMARY KEY, integrator TEXT NOT NULL, op TEXT NOT NULL, sub TEXT NOT NULL,
     nonce TEXT NOT NULL, status INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     summary TEXT, verdict TEXT)`,
  `CREATE INDEX IF NOT EXISTS sessions_by_integrator ON sessions(integrator, created_at)`,
  // every nonce ever consumed, so a replay is told apart from a mismatch
  `CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, sid TEXT NOT NULL, used_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS evidence (sid TEXT NOT NULL, n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (sid, n))`,
  `CREATE TABLE IF NOT EXISTS events (
     sid TEXT NOT NULL, status INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
     delivered INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, PRIMARY KEY (sid, status))`,
  // one-time result codes: only their SHA-256 is kept; rows go once expired (used or not)
  `CREATE TABLE IF NOT EXISTS codes (
     hash TEXT PRIMARY KEY, sid TEXT NOT NULL, integrator TEXT NOT NULL,
     expires_at INTEGER NOT NULL, used_at INTEGER)`,
  `CREATE INDEX IF NOT EXISTS codes_by_expiry ON codes(expires_at)`,
  // SHA-256 of every evidence frame ever claimed (any session, any integrator): a frame is
  // accepted once; rows of a released (given back) claim go, the rest live for the retention period
  `CREATE TABLE IF NOT EXISTS frames_seen (hash TEXT PRIMARY KEY, sid TEXT NOT NULL, nonce TEXT NOT NULL, seen_at INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS frames_seen_by_time ON frames_seen(seen_at)`,
  // the capture key's thumbprint, bound on the session's first upload (RFC 7800 cnf style);
  // releases: how many times an upstream failure gave an attempt back (once is free)
  `CREATE TABLE IF NOT EXISTS session_binding (sid TEXT PRIMARY KEY, key_thumb TEXT NOT NULL, releases INTEGER NOT NULL DEFAULT 0)`,
];


function num(x: SqlValue): number {
  return typeof x === 'number' ? x : Number(x);
}

function toRecord(r: Row, evidenceCount: number): SessionRecord {
  return {
    sid: String(r.sid),
    integrator: String(r.integrator),
    op: String(r.op) as SessionRecord['op'],
    sub: String(r.sub),
    nonce: String(r.nonce),
    status: num(r.status) as SessionRecord['status'],
    attempts: num(r.attempts),
    failed: num(r.failed),
    maxAttempts: num(r.max_attempts),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    updatedAt: num(r.updated_at),
    summary: r.summary ? (JSON.parse(String(r.summary)) as VerdictSummary) : null,
    verdict: r.verdict === null ? null : String(r.verdict),
    evidenceCount,
  };
}

/** Store logic written once over SQL; both backends run exactly these statements. */
export class SqlStore {
  constructor(private readonly db: SqlDriver) {
    for (const s of SCHEMA) db.all(s);
  }

  createSession(s: NewSession): void {
    this.db.all(
      `INSERT INTO sessions (sid, integrator, op, sub, nonce, status, attempts, failed, max_attempts, created_at, expires_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, 0, 0, ?, ?, ?, ?)`,
      s.sid, s.integrator, s.op, s.sub, s.nonce, s.maxAttempts, s.createdAt, s.expiresAt, s.createdAt,
    );
  }

  getSession(sid: string): SessionRecord | null {
    const r = this.db.all(`SELECT * FROM sessions WHERE sid = ?`, sid)[0];
    if (!r) return null;
    const n = this.db.all(`SELECT COUNT(*) AS n FROM evidence WHERE sid = ?`, sid)[0];
    return toRecord(r, num(n?.n ?? 0));
  }

  listSessions(integrator: string, limit: number): SessionRecord[] {
    const rows = this.db.all(
      `SELECT s.*, (SELECT COUNT(*) FROM evidence e WHERE e.sid = s.sid) AS n_evidence
       FROM sessions s WHERE integrator = ? ORDER BY created_at DESC, sid LIMIT ?`,
      integrator, Math.max(1, Math.min(limit, 500)),
    );
    return rows.map((r) => toRecord(r, num(r.n_evidence)));
  }

  claimAttempt(sid: string, nonce: string, now: number, bind: ClaimBinding): ClaimResult {
    return this.db.tx((): ClaimResult => {
      const s = this.db.all(`SELECT status, attempts, failed, max_attempts, nonce, expires_at FROM sessions WHERE sid = ?`, sid)[0];
      if (!s) return { ok: false, code: 'SESSION_NOT_FOUND' };
      const attempts = num(s.attempts);
      const max = num(s.max_attempts);
      if (num(s.status) !== 1) return { ok: false, code: num(s.status) === 5 && attempts >= max ? 'ATTEMPTS_EXCEEDED' : 'SESSION_USED' };
      if (num(s.expires_at) < now) return { ok: false, code: 'SESSION_EXPIRED' };
      if (attempts >= max) return { ok: false, code: 'ATTEMPTS_EXCEEDED' };
      if (this.db.all(`SELECT 1 AS x FROM nonces WHERE nonce = ?`, nonce).length) return { ok: false, code: 'NONCE_REUSED' };
      if (s.nonce !== nonce) return { ok: false, code: 'NONCE_MISMATCH' };
      const bound = this.db.all(`SELECT key_thumb FROM session_binding WHERE sid = ?`, sid)[0];
      if (bound && bound.key_thumb !== bind.keyThumb) return { ok: false, code: 'CAPTURE_KEY_MISMATCH' };
      const hashes = [...new Set(bind.frames)];
      if (hashes.length !== bind.frames.length) return { ok: false, code: 'EVIDENCE_REPLAYED' };
      for (const h of hashes) if (this.db.all(`SELECT 1 AS x FROM frames_seen WHERE hash = ?`, h).length) return { ok: false, code: 'EVIDENCE_REPLAYED' };
      // the atomic check-and-set itself: exactly one caller gets the row back
      const won = this.db.all(`INSERT INTO nonces (nonce, sid, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING nonce`, nonce, sid, now);
      if (won.length !== 1) return { ok: false, code: 'NONCE_REUSED' };
      for (const h of hashes) this.db.all(`INSERT INTO frames_seen (hash, sid, nonce, seen_at) VALUES (?, ?, ?, ?)`, h, sid, nonce, now);
      if (!bound) this.db.all(`INSERT INTO session_binding (sid, key_thumb) VALUES (?, ?)`, sid, bind.keyThumb);
      this.db.all(`UPDATE sessions SET attempts = attempts + 1, updated_at = ? WHERE sid = ?`, now, sid);
      return { ok: true, attempt: attempts + 1, failedBefore: num(s.failed) };
    });
  }

  releaseAttempt(sid: string, nonce: string, now: number): boolean {
    return this.db.tx(() => {
      const s = this.db.all(`SELECT 1 AS x FROM sessions WHERE sid = ? AND nonce = ? AND status = 1 AND attempts > 0`, sid, nonce);
      if (!s.length) return false;
      // once per session: a second upstream failure is a counted attempt, so failures are no free oracle
      const once = this.db.all(`UPDATE session_binding SET releases = releases + 1 WHERE sid = ? AND releases = 0 RETURNING sid`, sid);
      if (once.length !== 1) return false;
      this.db.all(`DELETE FROM nonces WHERE nonce = ? AND sid = ?`, nonce, sid);
      this.db.all(`DELETE FROM frames_seen WHERE nonce = ? AND sid = ?`, nonce, sid);
      this.db.all(`UPDATE sessions SET attempts = attempts - 1, updated_at = ? WHERE sid = ?`, now, sid);
      return true;
    });
  }

  retryAttempt(sid: string, nonce: string, nextNonce: string, summary: VerdictSummary, now: number): boolean {
    const r = this.db.all(
      `UPDATE sessions SET nonce = ?, failed = failed + 1, summary = ?, updated_at = ?
       WHERE sid = ? AND nonce = ? AND status = 1 RETURNING sid`,
      nextNonce, JSON.stringify(summary), now, sid, nonce,
    );
    return r.length === 1;
  }

  finalize(sid: string, nonce: string, f: Finalize, now: number): boolean {
    return this.db.tx(() => {
      const r = this.db.all(
        `UPDATE sessions SET status = ?, summary = ?, verdict = ?, updated_at = ?,
           failed = failed + (CASE WHEN ? = 5 THEN 1 ELSE 0 END)
         WHERE sid = ? AND nonce = ? AND status = 1 RETURNING sid`,
        f.status, JSON.stringify(f.summary), f.verdict, now, f.status, sid, nonce,
      );
      if (r.length !== 1) return false;
      (f.evidence ?? []).forEach((bytes, n) => this.db.all(`INSERT OR REPLACE INTO evidence (sid, n, bytes) VALUES (?, ?, ?)`, sid, n, bytes));
      if (f.code) {
        // expired codes are useless either way: sweep them here rather than on a timer
        this.db.all(`DELETE FROM codes WHERE expires_at <= ?`, now);
        this.db.all(
          `INSERT INTO codes (hash, sid, integrator, expires_at) SELECT ?, sid, integrator, ? FROM sessions WHERE sid = ?`,
          f.code.hash, f.code.expiresAt, sid,
        );
      }
      return true;
    });
  }

  redeemCode(hash: string, integrator: string, now: number): string | null {
    // the check-and-set is this one statement: exactly one caller gets the row back
    const r = this.db.all(
      `UPDATE codes SET used_at = ? WHERE hash = ? AND integrator = ? AND used_at IS NULL AND expires_at > ? RETURNING sid`,
      now, hash, integrator, now,
    )[0];
    return r ? String(r.sid) : null;
  }

  review(sid: string, summary: VerdictSummary, verdict: string, now: number): boolean {
    return this.db.tx(() => {
      const r = this.db.all(
        `UPDATE sessions SET status = 3, summary = ?, verdict = ?, updated_at = ? WHERE sid = ? AND status = 2 RETURNING sid`,
        JSON.stringify(summary), verdict, now, sid,
      );
      if (r.length !== 1) return false;
      // evidence is kept only while a person may need to look at it
      this.db.all(`DELETE FROM evidence WHERE sid = ?`, sid);
      return true;
    });
  }

  getEvidence(sid: string, n: number): Uint8Array | null {
    const r = this.db.all(`SELECT bytes FROM evidence WHERE sid = ? AND n = ?`, sid, n)[0];
    return r && r.bytes instanceof Uint8Array ? r.bytes : null;
  }

  /**
   * Retention: sessions (with their evidence, codes, events and bindings) older than
   * `recordsBefore`, review evidence older than `evidenceBefore`, frame hashes and nonces older
   * than `recordsBefore`. Answers the number of rows removed per table.
   */
  purge(recordsBefore: number, evidenceBefore: number): Record<string, number> {
    return this.db.tx(() => {
      const n = (sql: string, ...p: SqlValue[]) => this.db.all(sql + ' RETURNING 1 AS x', ...p).length;
      const old = `SELECT sid FROM sessions WHERE updated_at < ? AND created_at < ?`;
      const out: Record<string, number> = {};
      out.evidence = n(`DELETE FROM evidence WHERE sid IN (SELECT sid FROM sessions WHERE updated_at < ?)`, evidenceBefore);
      out.events = n(`DELETE FROM events WHERE sid IN (${old})`, recordsBefore, recordsBefore);
      out.codes = n(`DELETE FROM codes WHERE sid IN (${old})`, recordsBefore, recordsBefore);
      out.bindings = n(`DELETE FROM session_binding WHERE sid IN (${old})`, recordsBefore, recordsBefore);
      out.sessions = n(`DELETE FROM sessions WHERE updated_at < ? AND created_at < ?`, recordsBefore, recordsBefore);
      out.nonces = n(`DELETE FROM nonces WHERE used_at < ?`, recordsBefore);
      out.frames = n(`DELETE FROM frames_seen WHERE seen_at < ?`, recordsBefore);
      return out;
    });
  }

  recordEvent(sid: string, status: number, id: string, body: string, now: number): boolean {
    const r = this.db.all(
      `INSERT INTO events (sid, status, id, body, delivered, updated_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING RETURNING id`,
      sid, status, id, body, now,
    );
    return r.length === 1;
  }

  markEventDelivered(id: string, delivered: boolean, now: number): void {
    this.db.all(`UPDATE events SET delivered = ?, updated_at = ? WHERE id = ?`, delivered ? 1 : -1, now, id);
  }
}
