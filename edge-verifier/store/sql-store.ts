import type {
  ClaimBinding, ClaimResult, ConfigChange, ConfigChangeRow, DeliveryView, DueEvent, ErasureRow, Finalize, NewSession, OutboxEvent, SessionRecord, StoredIntegrator, VerdictSummary,
  VerifierStore,
} from './types.ts';

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
  // the webhook outbox: one row per (session, status) transition, written in the transition's
  // transaction; delivered 0 pending / 1 delivered / -1 given up; next_at (ms) schedules retries
  `CREATE TABLE IF NOT EXISTS events (
     sid TEXT NOT NULL, status INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL,
     delivered INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, PRIMARY KEY (sid, status))`,
  // per-integrator configuration (JSON of config.ts IntegratorSchema) and its change log
  `CREATE TABLE IF NOT EXISTS integrators (id TEXT PRIMARY KEY, config TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS integrator_changes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, integrator TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
     field TEXT NOT NULL, old TEXT, new TEXT)`,
  `CREATE INDEX IF NOT EXISTS integrator_changes_by_id ON integrator_changes(integrator, seq)`,
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
  // the sign of each subject's latest identity score (the suspicious-score webhook fires on a flip)
  `CREATE TABLE IF NOT EXISTS score_signs (integrator TEXT NOT NULL, subject TEXT NOT NULL, sign INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (integrator, subject))`,
  // erasures on the holder's request: who, when, how much was removed (no biometric data)
  `CREATE TABLE IF NOT EXISTS erasures (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, integrator TEXT NOT NULL, subject TEXT NOT NULL, actor TEXT NOT NULL,
     at INTEGER NOT NULL, sessions INTEGER NOT NULL, evidence_frames INTEGER NOT NULL)`,
];

/** Columns added after the first release: ALTER TABLE on stores created before them (a duplicate column is fine). */
const ADDED_COLUMNS = [
  `ALTER TABLE sessions ADD COLUMN no_face INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE sessions ADD COLUMN meta TEXT`,
  `ALTER TABLE sessions ADD COLUMN review_lock TEXT`,
  `ALTER TABLE sessions ADD COLUMN review_lock_until INTEGER`,
  `ALTER TABLE events ADD COLUMN integrator TEXT`,
  `ALTER TABLE events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE events ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE events ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE events ADD COLUMN last_error TEXT`,
];
const AFTER_COLUMNS = [`CREATE INDEX IF NOT EXISTS events_due ON events(delivered, next_at)`];


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
    noFace: num(r.no_face ?? 0),
    meta: r.meta ? (JSON.parse(String(r.meta)) as SessionRecord['meta']) : {},
  };
}

/** The synchronous form of the store interface (what the SQL runs); adapters make it async. */
export type SyncStore = { [K in keyof VerifierStore]: VerifierStore[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => R : never };

/** Every store method, in one list: the async adapters and the Durable Object stub are built from it. */
export const STORE_METHODS = [
  'createSession', 'getSession', 'listSessions', 'claimAttempt', 'releaseAttempt', 'retryAttempt', 'finalize', 'cancel', 'expiredPending',
  'redeemCode', 'lockReview', 'unlockReview', 'review', 'getEvidence', 'claimDueEvents', 'eventAttempted', 'pendingEvents', 'deliveries',
  'seedIntegrators', 'listIntegrators', 'putIntegrator', 'integratorChanges', 'purge', 'enqueueEvent', 'noteScoreSign', 'eraseSubject', 'erasures',
] as const satisfies readonly (keyof VerifierStore)[];

/** The async VerifierStore over a synchronous one (same process: each call runs to completion). */
export function asyncStore(s: SyncStore): VerifierStore {
  const out: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
  for (const m of STORE_METHODS) {
    const f = s[m] as (...a: unknown[]) => unknown;
    out[m] = async (...a) => f.apply(s, a);
  }
  return out as unknown as VerifierStore;
}

/** Store logic written once over SQL; both backends run exactly these statements. */
export class SqlStore implements SyncStore {
  constructor(private readonly db: SqlDriver) {
    for (const s of SCHEMA) db.all(s);
    for (const s of ADDED_COLUMNS) {
      try {
        db.all(s);
      } catch (e) {
        if (!/duplicate column/i.test(e instanceof Error ? e.message : String(e))) throw e;
      }
    }
    for (const s of AFTER_COLUMNS) db.all(s);
  }

  createSession(s: NewSession): void {
    this.db.all(
      `INSERT INTO sessions (sid, integrator, op, sub, nonce, status, attempts, failed, max_attempts, created_at, expires_at, updated_at, meta)
       VALUES (?, ?, ?, ?, ?, 1, 0, 0, ?, ?, ?, ?, ?)`,
      s.sid, s.integrator, s.op, s.sub, s.nonce, s.maxAttempts, s.createdAt, s.expiresAt, s.createdAt, JSON.stringify(s.meta ?? {}),
    );
  }

  /** The outbox row of a transition (inside the caller's transaction). */
  private writeEvent(sid: string, status: number, e: OutboxEvent | undefined, now: number): void {
    if (!e) return;
    this.db.all(
      `INSERT INTO events (sid, status, id, body, delivered, updated_at, integrator, attempts, next_at, created_at)
       SELECT ?, ?, ?, ?, 0, ?, integrator, 0, 0, ? FROM sessions WHERE sid = ? ON CONFLICT DO NOTHING`,
      sid, status, e.id, e.body, now, now, sid,
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
      const s = this.db.all(`SELECT status, attempts, failed, no_face, max_attempts, nonce, expires_at FROM sessions WHERE sid = ?`, sid)[0];
      if (!s) return { ok: false, code: 'SESSION_NOT_FOUND' };
      const attempts = num(s.attempts);
      const max = num(s.max_attempts);
      if (num(s.status) === 4) return { ok: false, code: 'SESSION_CANCELLED' };
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
      return { ok: true, attempt: attempts + 1, failedBefore: num(s.failed), noFaceBefore: num(s.no_face ?? 0) };
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

  retryAttempt(sid: string, nonce: string, nextNonce: string, summary: VerdictSummary, now: number, noFace = false): boolean {
    const r = this.db.all(
      `UPDATE sessions SET nonce = ?, failed = failed + 1, no_face = no_face + ?, summary = ?, updated_at = ?
       WHERE sid = ? AND nonce = ? AND status = 1 RETURNING sid`,
      nextNonce, noFace ? 1 : 0, JSON.stringify(summary), now, sid, nonce,
    );
    return r.length === 1;
  }

  cancel(sid: string, f: { summary: VerdictSummary; verdict: string; event?: OutboxEvent }, now: number, expiredOnly: boolean): boolean {
    return this.db.tx(() => {
      const r = this.db.all(
        `UPDATE sessions SET status = 4, summary = ?, verdict = ?, updated_at = ?
         WHERE sid = ? AND status = 1 AND (? = 0 OR expires_at < ?) RETURNING sid`,
        JSON.stringify(f.summary), f.verdict, now, sid, expiredOnly ? 1 : 0, now,
      );
      if (r.length !== 1) return false;
      this.writeEvent(sid, 4, f.event, now);
      return true;
    });
  }

  expiredPending(now: number, limit: number): SessionRecord[] {
    return this.db
      .all(`SELECT * FROM sessions WHERE status = 1 AND expires_at < ? ORDER BY expires_at LIMIT ?`, now, Math.max(1, Math.min(limit, 500)))
      .map((r) => toRecord(r, 0));
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
      this.writeEvent(sid, f.status, f.event, now);
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

  lockReview(sid: string, token: string, now: number, leaseS: number): boolean {
    const r = this.db.all(
      `UPDATE sessions SET review_lock = ?, review_lock_until = ?
       WHERE sid = ? AND status = 2 AND (review_lock IS NULL OR review_lock_until < ?) RETURNING sid`,
      token, now + leaseS, sid, now,
    );
    return r.length === 1;
  }

  unlockReview(sid: string, token: string): void {
    this.db.all(`UPDATE sessions SET review_lock = NULL, review_lock_until = NULL WHERE sid = ? AND review_lock = ?`, sid, token);
  }

  review(sid: string, token: string, summary: VerdictSummary, verdict: string, now: number, event?: OutboxEvent): boolean {
    return this.db.tx(() => {
      const r = this.db.all(
        `UPDATE sessions SET status = 3, summary = ?, verdict = ?, updated_at = ?, review_lock = NULL, review_lock_until = NULL
         WHERE sid = ? AND status = 2 AND review_lock = ? RETURNING sid`,
        JSON.stringify(summary), verdict, now, sid, token,
      );
      if (r.length !== 1) return false;
      // evidence is kept only while a person may need to look at it
      this.db.all(`DELETE FROM evidence WHERE sid = ?`, sid);
      this.writeEvent(sid, 3, event, now);
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

  claimDueEvents(nowMs: number, leaseMs: number, limit: number): DueEvent[] {
    return this.db.tx(() => {
      const rows = this.db.all(
        `SELECT id, sid, integrator, status, body, attempts FROM events WHERE delivered = 0 AND next_at <= ? ORDER BY next_at, created_at LIMIT ?`,
        nowMs, Math.max(1, Math.min(limit, 100)),
      );
      for (const r of rows) this.db.all(`UPDATE events SET next_at = ? WHERE id = ?`, nowMs + leaseMs, r.id);
      return rows.map((r) => ({ id: String(r.id), sid: String(r.sid), integrator: String(r.integrator ?? ''), status: num(r.status), body: String(r.body), attempts: num(r.attempts) }));
    });
  }

  eventAttempted(id: string, delivered: boolean, nextAtMs: number | null, error: string | null, now: number): void {
    this.db.all(
      `UPDATE events SET delivered = ?, attempts = attempts + 1, next_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND delivered = 0`,
      delivered ? 1 : nextAtMs === null ? -1 : 0, nextAtMs ?? 0, error, now, id,
    );
  }

  pendingEvents(): { count: number; nextAtMs: number | null } {
    const r = this.db.all(`SELECT COUNT(*) AS n, MIN(next_at) AS next FROM events WHERE delivered = 0`)[0];
    const count = num(r?.n ?? 0);
    return { count, nextAtMs: count ? num(r!.next) : null };
  }

  deliveries(integrator: string, limit: number): DeliveryView[] {
    return this.db
      .all(`SELECT * FROM events WHERE integrator = ? ORDER BY created_at DESC, id LIMIT ?`, integrator, Math.max(1, Math.min(limit, 500)))
      .map((r) => ({
        eventId: String(r.id),
        sessionId: String(r.sid),
        status: num(r.status),
        state: num(r.delivered) === 1 ? 'delivered' : num(r.delivered) === -1 ? 'failed' : 'pending',
        attempts: num(r.attempts),
        createdAt: num(r.created_at),
        updatedAt: num(r.updated_at),
        lastError: r.last_error === null || r.last_error === undefined ? null : String(r.last_error),
      }));
  }

  enqueueEvent(integrator: string, key: string, e: OutboxEvent, now: number): void {
    this.db.all(
      `INSERT INTO events (sid, status, id, body, delivered, updated_at, integrator, attempts, next_at, created_at)
       VALUES (?, 0, ?, ?, 0, ?, ?, 0, 0, ?) ON CONFLICT DO NOTHING`,
      key, e.id, e.body, now, integrator, now,
    );
  }

  noteScoreSign(integrator: string, subject: string, sign: 1 | -1, now: number): 1 | -1 | null {
    return this.db.tx(() => {
      const prev = this.db.all(`SELECT sign FROM score_signs WHERE integrator = ? AND subject = ?`, integrator, subject)[0];
      this.db.all(
        `INSERT INTO score_signs (integrator, subject, sign, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (integrator, subject) DO UPDATE SET sign = excluded.sign, at = excluded.at`,
        integrator, subject, sign, now,
      );
      const p = prev ? num(prev.sign) : 0;
      return p !== 0 && p !== sign ? (p as 1 | -1) : null;
    });
  }

  eraseSubject(integrator: string, subject: string, actor: string, now: number, event?: { key: string; e: OutboxEvent }): { sessions: number; evidenceFrames: number } {
    return this.db.tx(() => {
      const mine = `SELECT sid FROM sessions WHERE integrator = ? AND sub = ?`;
      const sessions = num(this.db.all(`SELECT COUNT(*) AS n FROM sessions WHERE integrator = ? AND sub = ?`, integrator, subject)[0]?.n ?? 0);
      const evidenceFrames = this.db.all(`DELETE FROM evidence WHERE sid IN (${mine}) RETURNING 1 AS x`, integrator, subject).length;
      this.db.all(`DELETE FROM score_signs WHERE integrator = ? AND subject = ?`, integrator, subject);
      this.db.all(
        `INSERT INTO erasures (integrator, subject, actor, at, sessions, evidence_frames) VALUES (?, ?, ?, ?, ?, ?)`,
        integrator, subject, actor, now, sessions, evidenceFrames,
      );
      if (event) this.enqueueEvent(integrator, event.key, event.e, now);
      return { sessions, evidenceFrames };
    });
  }

  erasures(integrator: string, limit: number): ErasureRow[] {
    return this.db
      .all(`SELECT * FROM erasures WHERE integrator = ? ORDER BY seq DESC LIMIT ?`, integrator, Math.max(1, Math.min(limit, 500)))
      .map((r) => ({ seq: num(r.seq), subject: String(r.subject), actor: String(r.actor), at: num(r.at), sessions: num(r.sessions), evidenceFrames: num(r.evidence_frames) }));
  }

  seedIntegrators(list: { id: string; config: string }[], now: number): string[] {
    return this.db.tx(() => {
      const written: string[] = [];
      for (const i of list) {
        const r = this.db.all(`INSERT INTO integrators (id, config, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, i.id, i.config, now);
        if (!r.length) continue;
        written.push(i.id);
        this.db.all(`INSERT INTO integrator_changes (integrator, at, actor, field, old, new) VALUES (?, ?, 'seed', '*', NULL, NULL)`, i.id, now);
      }
      return written;
    });
  }

  listIntegrators(): StoredIntegrator[] {
    return this.db.all(`SELECT id, config, updated_at FROM integrators ORDER BY id`).map((r) => ({ id: String(r.id), config: String(r.config), updatedAt: num(r.updated_at) }));
  }

  putIntegrator(id: string, config: string, expected: number | null, actor: string, changes: ConfigChange[], now: number): boolean {
    return this.db.tx(() => {
      const cur = this.db.all(`SELECT updated_at FROM integrators WHERE id = ?`, id)[0];
      if ((cur ? num(cur.updated_at) : null) !== expected) return false;
      // updated_at only moves forward, so a writer that read the old row always loses the race
      const at = cur ? Math.max(now, num(cur.updated_at) + 1) : now;
      if (cur) this.db.all(`UPDATE integrators SET config = ?, updated_at = ? WHERE id = ?`, config, at, id);
      else this.db.all(`INSERT INTO integrators (id, config, updated_at) VALUES (?, ?, ?)`, id, config, at);
      for (const c of changes) {
        this.db.all(`INSERT INTO integrator_changes (integrator, at, actor, field, old, new) VALUES (?, ?, ?, ?, ?, ?)`, id, now, actor, c.field, c.old, c.new);
      }
      return true;
    });
  }

  integratorChanges(id: string, limit: number): ConfigChangeRow[] {
    return this.db
      .all(`SELECT * FROM integrator_changes WHERE integrator = ? ORDER BY seq DESC LIMIT ?`, id, Math.max(1, Math.min(limit, 1000)))
      .map((r) => ({ seq: num(r.seq), integrator: String(r.integrator), at: num(r.at), actor: String(r.actor), field: String(r.field), old: r.old === null ? null : String(r.old), new: r.new === null ? null : String(r.new) }));
  }
}
