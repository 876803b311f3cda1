import type { ErrorCode, Operation, VerdictSummary as ProtocolVerdictSummary } from '../../protocol/index.ts';

/** The protocol's verdict summary plus what only the store needs. */
export interface VerdictSummary extends ProtocolVerdictSummary {
  /** index of the frame used for matching, among the stored evidence (review enrolment) */
  bestFrame?: number;
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
}

export interface ClaimBinding {
  /** base64url SHA-256 of each evidence frame */
  frames: string[];
  /** RFC 7638 thumbprint of the capture token's public key */
  keyThumb: string;
}

export type NewSession = Pick<SessionRecord, 'sid' | 'integrator' | 'op' | 'sub' | 'nonce' | 'maxAttempts' | 'createdAt' | 'expiresAt'>;

/** Result of the atomic check-and-set on a nonce: errors are data so they cross the DO RPC boundary. */
export type ClaimResult =
  | { ok: true; attempt: number; failedBefore: number }
  | { ok: false; code: ErrorCode };

export interface Finalize {
  status: 2 | 3 | 5;
  summary: VerdictSummary;
  verdict: string;
  /** evidence frames kept for review (status 2 only) */
  evidence?: Uint8Array[];
  /** one-time result code to record with the transition (status 2/3): its SHA-256, never the code */
  code?: { hash: string; expiresAt: number };
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
  /** Records a failed, retryable attempt and installs the fresh nonce for the next one. */
  retryAttempt(sid: string, nonce: string, nextNonce: string, summary: VerdictSummary, now: number): Promise<boolean>;
  /** Ends a pending session (only the holder of its current nonce can); records `f.code` in the same transaction. */
  finalize(sid: string, nonce: string, f: Finalize, now: number): Promise<boolean>;
  /**
   * Atomic single use of a one-time code (by its hash): marks it used and answers its session id
   * iff it exists, belongs to `integrator`, is unused and `now < expiresAt`; otherwise null and
   * nothing changes (another integrator's attempt does not burn it).
   */
  redeemCode(hash: string, integrator: string, now: number): Promise<string | null>;
  /** Review decision: status 2 → 3 (conditional), evidence dropped. */
  review(sid: string, summary: VerdictSummary, verdict: string, now: number): Promise<boolean>;
  getEvidence(sid: string, n: number): Promise<Uint8Array | null>;
  /** Inserts the (session, status) event once; false if it already exists (webhook idempotency). */
  recordEvent(sid: string, status: number, id: string, body: string, now: number): Promise<boolean>;
  markEventDelivered(id: string, delivered: boolean, now: number): Promise<void>;
  /** Retention purge (unix seconds cut-offs); answers rows removed per table. */
  purge(recordsBefore: number, evidenceBefore: number): Promise<Record<string, number>>;
}
