import type { ErrorCode, Operation, VerdictSummary as ProtocolVerdictSummary, WatchlistAlert } from '../../protocol/index.ts';

/** The protocol's verdict summary plus what only the store needs. */
export interface VerdictSummary extends ProtocolVerdictSummary {
  /** index of the frame used for matching, among the stored evidence (review enrolment) */
  bestFrame?: number;
  /** watch-list hits: for the webhook and the reviewer, never in the verdict */
  alerts?: WatchlistAlert[];
}

export interface SessionRecord {
  sid: string;
  integrator: string;
  op: Operation;
  sub: string;
  /** the nonce the next capture must sign (single use) */
  nonce: string;
  status: 1 | 2 | 3 | 4 | 5;
  attempts: number;
  failed: number;
  maxAttempts: number;
  createdAt: number;
  expiresAt: number;
  updatedAt: number;
  summary: VerdictSummary | null;
  /** latest verdict JWT (status 2, 3 or 5) */
  verdict: string | null;
  evidenceCount: number;
  /** failed attempts in which the server found no face (manager mode counts only these) */
  noFace: number;
  /** what the integrator created the session with (display and audit; never interpreted) */
  meta: SessionMeta;
}

export interface SessionMeta {
  /** IMAGE_UPDATE justification */
  message?: string;
  details?: Record<string, unknown>;
  card?: string;
  name?: string;
  returnUrl?: string;
}

/** A webhook event to write in the same transaction as the status change it reports. */
export interface OutboxEvent {
  id: string;
  body: string;
}

/** An outbox row handed to the sender (leased so a second sender does not take it meanwhile). */
export interface DueEvent {
  id: string;
  sid: string;
  integrator: string;
  status: number;
  body: string;
  /** delivery attempts made before this one */
  attempts: number;
}

/** One outbox row as the integrator's deliveries view shows it. */
export interface DeliveryView {
  eventId: string;
  sessionId: string;
  status: number;
  /** pending (not yet delivered, retries left), delivered, failed (gave up) */
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: number;
  updatedAt: number;
  lastError: string | null;
}

/** An integrator's configuration as stored (validated JSON of config.ts IntegratorSchema). */
export interface StoredIntegrator {
  id: string;
  config: string;
  updatedAt: number;
}

export interface ConfigChange {
  field: string;
  /** JSON of the old / new value; secrets appear as a fingerprint, never in clear */
  old: string | null;
  new: string | null;
}

export interface ConfigChangeRow extends ConfigChange {
  seq: number;
  integrator: string;
  actor: string;
  at: number;
}

export interface ClaimBinding {
  /** base64url SHA-256 of each evidence frame */
  frames: string[];
  /** RFC 7638 thumbprint of the capture token's public key */
  keyThumb: string;
}

export type NewSession = Pick<SessionRecord, 'sid' | 'integrator' | 'op' | 'sub' | 'nonce' | 'maxAttempts' | 'createdAt' | 'expiresAt'> & { meta?: SessionMeta };

/** Result of the atomic check-and-set on a nonce: errors are data so they cross the DO RPC boundary. */
export type ClaimResult =
  | { ok: true; attempt: number; failedBefore: number; noFaceBefore: number }
  | { ok: false; code: ErrorCode };

export interface Finalize {
  status: 2 | 3 | 5;
  summary: VerdictSummary;
  verdict: string;
  /** evidence frames kept for review (status 2 only) */
  evidence?: Uint8Array[];
  /** one-time result code to record with the transition (status 2/3): its SHA-256, never the code */
  code?: { hash: string; expiresAt: number };
  /** the webhook event of this transition (outbox, same transaction) */
  event?: OutboxEvent;
}

/**
 * The verifier's durable state. Node: better-sqlite3 (embedded); Workers: one Durable Object with
 * SQLite storage. Every mutation is a single atomic check-and-set.
 */
export interface VerifierStore {
  createSession(s: NewSession): Promise<void>;
  getSession(sid: string): Promise<SessionRecord | null>;
  listSessions(integrator: string, limit: number): Promise<SessionRecord[]>;
  /**
   * Consumes `nonce` for `sid` iff the session is pending, under the cap, and `nonce` is current and
   * unused; in the same transaction refuses any evidence frame hash seen before (any session) and a
   * capture key other than the one bound on the session's first upload, then records both.
   */
  claimAttempt(sid: string, nonce: string, now: number, bind: ClaimBinding): Promise<ClaimResult>;
  /**
   * Undoes a claim after an upstream (temporary) failure, once per session: the nonce, the attempt
   * and the frame hashes become usable again. false when nothing was released.
   */
  releaseAttempt(sid: string, nonce: string, now: number): Promise<boolean>;
  /** Records a failed, retryable attempt and installs the fresh nonce for the next one; `noFace` counts it for manager mode. */
  retryAttempt(sid: string, nonce: string, nextNonce: string, summary: VerdictSummary, now: number, noFace?: boolean): Promise<boolean>;
  /** Ends a pending session (only the holder of its current nonce can); records `f.code` and `f.event` in the same transaction. */
  finalize(sid: string, nonce: string, f: Finalize, now: number): Promise<boolean>;
  /**
   * Status 1 → 4 (cancelled), iff still pending (and, with `expiredOnly`, past its expiry), with
   * its webhook event in the same transaction. false when the session was not pending.
   */
  cancel(sid: string, f: { summary: VerdictSummary; verdict: string; event?: OutboxEvent }, now: number, expiredOnly: boolean): Promise<boolean>;
  /** Pending sessions past their expiry (oldest first), for the expiry sweep. */
  expiredPending(now: number, limit: number): Promise<SessionRecord[]>;
  /**
   * Atomic single use of a one-time code (by its hash): marks it used and answers its session id
   * iff it exists, belongs to `integrator`, is unused and `now < expiresAt`; otherwise null and
   * nothing changes (another integrator's attempt does not burn it).
   */
  redeemCode(hash: string, integrator: string, now: number): Promise<string | null>;
  /**
   * Takes the review of a status-2 session for `leaseS` seconds (token = the caller's): false when
   * it is not awaiting review or another reviewer holds it. Enrolment happens under the lease.
   */
  lockReview(sid: string, token: string, now: number, leaseS: number): Promise<boolean>;
  /** Lets a review lease go (the reviewer failed before deciding). */
  unlockReview(sid: string, token: string): Promise<void>;
  /** Review decision under the caller's lease: status 2 → 3 (conditional), evidence dropped, its event written. */
  review(sid: string, token: string, summary: VerdictSummary, verdict: string, now: number, event?: OutboxEvent): Promise<boolean>;
  getEvidence(sid: string, n: number): Promise<Uint8Array | null>;
  /** Leases up to `limit` undelivered events due at `nowMs` for `leaseMs` (a second sender skips them meanwhile). */
  claimDueEvents(nowMs: number, leaseMs: number, limit: number): Promise<DueEvent[]>;
  /** After a delivery attempt: delivered, or failed with the next try at `nextAtMs` (null = give up). */
  eventAttempted(id: string, delivered: boolean, nextAtMs: number | null, error: string | null, now: number): Promise<void>;
  /** Undelivered events still to try and the earliest time one is due (ms), for the sender's schedule. */
  pendingEvents(): Promise<{ count: number; nextAtMs: number | null }>;
  /** The integrator's webhook deliveries, newest first. */
  deliveries(integrator: string, limit: number): Promise<DeliveryView[]>;
  /** Writes each integrator whose id the store does not hold yet (first start); answers the ids written. */
  seedIntegrators(list: { id: string; config: string }[], now: number): Promise<string[]>;
  listIntegrators(): Promise<StoredIntegrator[]>;
  /**
   * Writes an integrator's configuration and its change rows in one transaction, iff its current
   * `updatedAt` is `expected` (null: it must not exist yet). false on a concurrent change.
   */
  putIntegrator(id: string, config: string, expected: number | null, actor: string, changes: ConfigChange[], now: number): Promise<boolean>;
  integratorChanges(id: string, limit: number): Promise<ConfigChangeRow[]>;
  /** Retention purge (unix seconds cut-offs); answers rows removed per table. */
  purge(recordsBefore: number, evidenceBefore: number): Promise<Record<string, number>>;
  /** An outbox event that belongs to no session transition (person erased, score band changed); `key` unique. */
  enqueueEvent(integrator: string, key: string, e: OutboxEvent, now: number): Promise<void>;
  /**
   * Records the sign of a subject's latest identity score (+1 / −1); answers the previous sign
   * when it differs (the band flipped), else null.
   */
  noteScoreSign(integrator: string, subject: string, sign: 1 | -1, now: number): Promise<1 | -1 | null>;
  /**
   * Erasure on the holder's request: the review evidence of every session of the subject and its
   * score record go, in one transaction with an audit row (who, when, what was removed; nothing biometric).
   */
  eraseSubject(integrator: string, subject: string, actor: string, now: number, event?: { key: string; e: OutboxEvent }): Promise<{ sessions: number; evidenceFrames: number }>;
  /** The erasure audit rows of an integrator, newest first. */
  erasures(integrator: string, limit: number): Promise<ErasureRow[]>;
}

export interface ErasureRow {
  seq: number;
  subject: string;
  actor: string;
  at: number;
  sessions: number;
  evidenceFrames: number;
}
