import { DurableObject } from 'cloudflare:workers';
import { asyncStore, SqlStore, STORE_METHODS, type Row, type SqlDriver, type SqlValue } from './sql-store.ts';
import type { DurableObjectNamespaceLike, DurableObjectStateLike } from '../adapters/workers-types.ts';
import type {
  ClaimBinding, ClaimResult, ConfigChange, ConfigChangeRow, DeliveryView, DueEvent, ErasureRow, Finalize, NewSession, OutboxEvent, SessionRecord,
  StoredIntegrator, VerdictSummary, VerifierStore,
} from './types.ts';
import { configFromEnv, parseConfig, type EnvLike } from '../config.ts';
import { IntegratorRegistry } from '../integrators/registry.ts';
import { sendDue } from '../webhooks/outbox.ts';

function bind(p: SqlValue): SqlValue | ArrayBuffer {
  return p instanceof Uint8Array ? (p.slice().buffer as ArrayBuffer) : p;
}

function unbind(r: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) out[k] = v instanceof ArrayBuffer ? new Uint8Array(v) : (v as SqlValue);
  return out;
}

/** Fallback alarm while events are pending but none is due yet (ms). */
const ALARM_IDLE_MS = 30_000;

/**
 * The verifier's store on Workers: one Durable Object with SQLite storage (never KV, which is
 * eventually consistent). A DO runs one request's synchronous SQL at a time, and transactionSync
 * makes each check-and-set atomic. Cursors are lazy, hence `.toArray()` on every statement.
 * One instance holds all sessions; sharding by session id is the next step if it ever gets hot.
 *
 * It is also the webhook sender: a transition that writes an outbox event sets the DO's alarm,
 * and `alarm()` delivers what is due and sets the next alarm for the earliest retry, so deliveries
 * survive isolate restarts and evictions (the alarm is durable).
 */
export class VerifierStoreDO extends DurableObject {
  private readonly store: SqlStore;
  private readonly state: DurableObjectStateLike;
  private readonly vars: EnvLike;

  constructor(ctx: DurableObjectStateLike, env: unknown) {
    super(ctx, env);
    this.state = ctx;
    this.vars = {};
    for (const [k, v] of Object.entries((env ?? {}) as Record<string, unknown>)) if (typeof v === 'string') this.vars[k] = v;
    const sql = ctx.storage.sql;
    const driver: SqlDriver = {
      all: (q, ...params) => sql.exec(q, ...params.map(bind)).toArray().map((r) => unbind(r as Record<string, unknown>)),
      tx: (fn) => ctx.storage.transactionSync(fn),
    };
    this.store = new SqlStore(driver);
  }

  /** An event was written: make sure an alarm will deliver it (now, unless one is set sooner). */
  private async wake(): Promise<void> {
    const at = await this.state.storage.getAlarm();
    if (at === null || at > Date.now()) await this.state.storage.setAlarm(Date.now());
  }

  async alarm(): Promise<void> {
    const config = parseConfig(configFromEnv(this.vars));
    const store = asyncStore(this.store);
    const integrators = new IntegratorRegistry(store, config.integrators, 0, Date.now, config.seedMode);
    const deps = { store, integrator: (id: string) => integrators.get(id), opts: config.webhook, now: () => Math.floor(Date.now() / 1000) };
    while ((await sendDue(deps)) > 0) {
      /* deliver everything due now */
    }
    const p = this.store.pendingEvents();
    if (p.count) await this.state.storage.setAlarm(Math.min(Math.max(p.nextAtMs ?? 0, Date.now() + 50), Date.now() + ALARM_IDLE_MS));
  }

  createSession(s: NewSession): void { this.store.createSession(s); }
  getSession(sid: string): SessionRecord | null { return this.store.getSession(sid); }
  listSessions(i: string, l: number): SessionRecord[] { return this.store.listSessions(i, l); }
  claimAttempt(sid: string, n: string, now: number, b: ClaimBinding): ClaimResult { return this.store.claimAttempt(sid, n, now, b); }
  releaseAttempt(sid: string, n: string, now: number): boolean { return this.store.releaseAttempt(sid, n, now); }
  retryAttempt(sid: string, n: string, next: string, s: VerdictSummary, now: number, noFace?: boolean): boolean { return this.store.retryAttempt(sid, n, next, s, now, noFace); }
  async finalize(sid: string, n: string, f: Finalize, now: number): Promise<boolean> {
    const ok = this.store.finalize(sid, n, f, now);
    if (ok && f.event) await this.wake();
    return ok;
  }
  async cancel(sid: string, f: { summary: VerdictSummary; verdict: string; event?: OutboxEvent }, now: number, expiredOnly: boolean): Promise<boolean> {
    const ok = this.store.cancel(sid, f, now, expiredOnly);
    if (ok && f.event) await this.wake();
    return ok;
  }
  expiredPending(now: number, limit: number): SessionRecord[] { return this.store.expiredPending(now, limit); }
  redeemCode(h: string, i: string, now: number): string | null { return this.store.redeemCode(h, i, now); }
  lockReview(sid: string, token: string, now: number, leaseS: number): boolean { return this.store.lockReview(sid, token, now, leaseS); }
  unlockReview(sid: string, token: string): void { this.store.unlockReview(sid, token); }
  async review(sid: string, token: string, s: VerdictSummary, v: string, now: number, event?: OutboxEvent): Promise<boolean> {
    const ok = this.store.review(sid, token, s, v, now, event);
    if (ok && event) await this.wake();
    return ok;
  }
  getEvidence(sid: string, n: number): Uint8Array | null { return this.store.getEvidence(sid, n); }
  claimDueEvents(nowMs: number, leaseMs: number, limit: number): DueEvent[] { return this.store.claimDueEvents(nowMs, leaseMs, limit); }
  eventAttempted(id: string, d: boolean, next: number | null, err: string | null, now: number): void { this.store.eventAttempted(id, d, next, err, now); }
  pendingEvents(): { count: number; nextAtMs: number | null } { return this.store.pendingEvents(); }
  deliveries(i: string, l: number): DeliveryView[] { return this.store.deliveries(i, l); }
  seedIntegrators(list: { id: string; config: string }[], now: number): string[] { return this.store.seedIntegrators(list, now); }
  listIntegrators(): StoredIntegrator[] { return this.store.listIntegrators(); }
  putIntegrator(id: string, c: string, e: number | null, a: string, ch: ConfigChange[], now: number): boolean { return this.store.putIntegrator(id, c, e, a, ch, now); }
  integratorChanges(id: string, l: number): ConfigChangeRow[] { return this.store.integratorChanges(id, l); }
  purge(r: number, e: number): Record<string, number> { return this.store.purge(r, e); }
  async enqueueEvent(i: string, key: string, e: OutboxEvent, now: number): Promise<void> {
    this.store.enqueueEvent(i, key, e, now);
    await this.wake();
  }
  noteScoreSign(i: string, sub: string, sign: 1 | -1, now: number): 1 | -1 | null { return this.store.noteScoreSign(i, sub, sign, now); }
  async eraseSubject(i: string, sub: string, actor: string, now: number, event?: { key: string; e: OutboxEvent }): Promise<{ sessions: number; evidenceFrames: number }> {
    const r = this.store.eraseSubject(i, sub, actor, now, event);
    if (event) await this.wake();
    return r;
  }
  erasures(i: string, l: number): ErasureRow[] { return this.store.erasures(i, l); }
}

/** The RPC view of VerifierStoreDO: every method answers a promise. */
type StoreStub = { [K in keyof VerifierStore]: (...a: Parameters<VerifierStore[K]>) => Promise<unknown> };

/** VerifierStore over RPC to the single VerifierStoreDO instance (RPC results are structured-clone data of the declared shapes). */
export function durableObjectStore(ns: DurableObjectNamespaceLike<StoreStub>): VerifierStore {
  const stub = () => ns.get(ns.idFromName('verifier-store'));
  const out: Record<string, (...a: unknown[]) => Promise<unknown>> = {};
  for (const m of STORE_METHODS) out[m] = (...a) => (stub()[m] as (...x: unknown[]) => Promise<unknown>)(...a);
  return out as unknown as VerifierStore;
}
