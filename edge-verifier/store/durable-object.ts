import { DurableObject } from 'cloudflare:workers';
import { SqlStore, type Row, type SqlDriver, type SqlValue } from './sql-store.ts';
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from '../adapters/workers-types.ts';
import type { ClaimBinding, ClaimResult, Finalize, NewSession, SessionRecord, VerdictSummary, VerifierStore } from './types.ts';

function bind(p: SqlValue): SqlValue | ArrayBuffer {
  return p instanceof Uint8Array ? (p.slice().buffer as ArrayBuffer) : p;
}

function unbind(r: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) out[k] = v instanceof ArrayBuffer ? new Uint8Array(v) : (v as SqlValue);
  return out;
}

/**
 * The replay store on Workers: one Durable Object with SQLite storage (never KV, which is
 * eventually consistent). A DO runs one request's synchronous SQL at a time, and transactionSync
 * makes each check-and-set atomic. Cursors are lazy, hence `.toArray()` on every statement.
 * One instance holds all sessions; sharding by session id is the next step if it ever gets hot.
 */
export class VerifierStoreDO extends DurableObject {
  private readonly store: SqlStore;

  constructor(ctx: DurableObjectStateLike, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    const driver: SqlDriver = {
      all: (q, ...params) => sql.exec(q, ...params.map(bind)).toArray().map((r) => unbind(r as Record<string, unknown>)),
      tx: (fn) => ctx.storage.transactionSync(fn),
    };
    this.store = new SqlStore(driver);
  }

  createSession(s: NewSession): void { this.store.createSession(s); }
  getSession(sid: string): SessionRecord | null { return this.store.getSession(sid); }
  listSessions(i: string, l: number): SessionRecord[] { return this.store.listSessions(i, l); }
  claimAttempt(sid: string, n: string, now: number, b: ClaimBinding): ClaimResult { return this.store.claimAttempt(sid, n, now, b); }
  releaseAttempt(sid: string, n: string, now: number): boolean { return this.store.releaseAttempt(sid, n, now); }
  retryAttempt(sid: string, n: string, next: string, s: VerdictSummary, now: number): boolean { return this.store.retryAttempt(sid, n, next, s, now); }
  finalize(sid: string, n: string, f: Finalize, now: number): boolean { return this.store.finalize(sid, n, f, now); }
  redeemCode(h: string, i: string, now: number): string | null { return this.store.redeemCode(h, i, now); }
  review(sid: string, s: VerdictSummary, v: string, now: number): boolean { return this.store.review(sid, s, v, now); }
  getEvidence(sid: string, n: number): Uint8Array | null { return this.store.getEvidence(sid, n); }
  recordEvent(sid: string, st: number, id: string, body: string, now: number): boolean { return this.store.recordEvent(sid, st, id, body, now); }
  markEventDelivered(id: string, d: boolean, now: number): void { this.store.markEventDelivered(id, d, now); }
  purge(r: number, e: number): Record<string, number> { return this.store.purge(r, e); }
}

/** VerifierStore over RPC to the single VerifierStoreDO instance. */
/** The RPC view of VerifierStoreDO: every method answers a promise. */
type StoreStub = { [K in keyof VerifierStore]: (...a: Parameters<VerifierStore[K]>) => Promise<unknown> };

export function durableObjectStore(ns: DurableObjectNamespaceLike<StoreStub>): VerifierStore {
  const stub = () => ns.get(ns.idFromName('verifier-store'));
  // RPC results are plain structured-clone data; the casts only restore the declared shapes
  return {
    createSession: async (x) => { await stub().createSession(x); },
    getSession: async (sid) => (await stub().getSession(sid)) as SessionRecord | null,
    listSessions: async (i, l) => (await stub().listSessions(i, l)) as SessionRecord[],
    claimAttempt: async (sid, n, now, b) => (await stub().claimAttempt(sid, n, now, b)) as ClaimResult,
    releaseAttempt: async (sid, n, now) => (await stub().releaseAttempt(sid, n, now)) === true,
    retryAttempt: async (sid, n, next, s, now) => (await stub().retryAttempt(sid, n, next, s, now)) === true,
    finalize: async (sid, n, f, now) => (await stub().finalize(sid, n, f, now)) === true,
    redeemCode: async (h, i, now) => {
      const sid = await stub().redeemCode(h, i, now);
      return typeof sid === 'string' ? sid : null;
    },
    review: async (sid, s, v, now) => (await stub().review(sid, s, v, now)) === true,
    getEvidence: async (sid, n) => (await stub().getEvidence(sid, n)) as Uint8Array | null,
    recordEvent: async (sid, st, id, body, now) => (await stub().recordEvent(sid, st, id, body, now)) === true,
    markEventDelivered: async (id, d, now) => { await stub().markEventDelivered(id, d, now); },
    purge: async (r, e) => (await stub().purge(r, e)) as Record<string, number>,
  };
}
