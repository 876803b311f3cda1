import pg from 'pg';
import { decodeStrict, encodeCbor, CBOR_MEDIA_TYPE, KitError } from '../../protocol/index.ts';
import type { ClusterHooks, ClusterStatus, MatcherService } from '../service.ts';
import type { Membership } from './membership.ts';
import { OwnerTable } from './owner-table.ts';
import { capacityOf, drawByWeight, type Member } from './placement.ts';

export interface ClusterNodeOptions {
  self: Member;
  replicationFactor: number;
  /** bearer token this node presents to its peers (every node accepts the cluster's tokens) */
  token: string;
  /** PostgreSQL URL for LISTEN/NOTIFY (the store's own database) */
  notifyUrl: string;
  /** listen for other nodes' writes (false: only the rescan brings them; tests) */
  listen?: boolean;
  /** full rescan of person ids and change times (ms): bounds any missed notification */
  rescanMs?: number;
  /** one peer's share of a scatter (ms) */
  peerTimeoutMs?: number;
}

const CHANNEL = 'liveness_kit_persons';
/** how often each peer's /live is probed, and how long one probe may take (ms) */
const PROBE_MS = 500;
const PROBE_TIMEOUT_MS = 400;

interface PeerSearch {
  gallery: string;
  q: Uint8Array;
  k: number;
  live: string[];
}

/**
 * One matcher node of a cluster: placement over the known members (weighted rendezvous,
 * `replicationFactor` owners per person), the persons it owns cached, writes announced with
 * PostgreSQL NOTIFY and picked up by the owners, a periodic rescan (ids and change times), and
 * 1:N as scatter-gather: every live node answers for the persons whose first live owner it is,
 * so each person is searched exactly once; the coverage is the share of persons with a live owner.
 */
export class ClusterNode implements ClusterHooks {
  /** every person id in the store with its change time (ms): coverage's population and the rescan's baseline */
  private readonly persons = new Map<string, number>();
  /** every stored person's owners under the current placement (coverage and `owns` without hashing again) */
  private readonly table: OwnerTable;
  private tableKey = '';
  private coverageNow = 1;
  /** the live set coverageNow was measured for */
  private coverageLive = '';
  private knownKey = '';
  private listener: pg.Client | null = null;
  private notifier: pg.Pool;
  private rescanTimer: ReturnType<typeof setInterval> | null = null;
  private stopMembership: (() => void) | null = null;
  private recompute: ReturnType<typeof setTimeout> | null = null;
  /** live in etcd but not answering our probes: left out until they answer again */
  private readonly suspects = new Set<string>();
  private probeTimer: ReturnType<typeof setInterval> | null = null;
  /** the load of persons a membership change gave this node, while it runs */
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;

  constructor(private readonly svc: MatcherService, private readonly membership: Membership, private readonly o: ClusterNodeOptions) {
    this.table = new OwnerTable(o.replicationFactor);
    this.notifier = new pg.Pool({ connectionString: o.notifyUrl, max: 1 });
    this.notifier.on('error', () => undefined);
  }

  get self(): Member {
    return this.o.self;
  }

  get replicationFactor(): number {
    return this.o.replicationFactor;
  }

  /** Joins: ids loaded, LISTEN started, the cache filled with the owned persons, watches set. */
  async start(): Promise<void> {
    this.knownKey = this.keyOf(this.membership.known());
    // the population coverage is measured over; the persons this node owns come with loadCache
    for (const [id, t] of await this.scanIds()) this.setPerson(id, t);
    if (this.o.listen ?? true) await this.listen();
    this.svc.cluster = this;
    await this.svc.loadCache();
    // only now do peers send this node its share of a scatter
    await this.membership.goLive();
    this.updateCoverage();
    this.stopMembership = this.membership.onChange(() => this.membershipChanged());
    this.rescanTimer = setInterval(() => void this.rescan().catch(() => undefined), this.o.rescanMs ?? 30_000);
    this.rescanTimer.unref();
    this.probeTimer = setInterval(() => void this.probe(), PROBE_MS);
    this.probeTimer.unref();
  }

  /**
   * Live members: registered in etcd and answering. etcd is the membership authority, but a
   * killed process refuses connections at once while its lease lives on for about 2 s: a probe of
   * every peer's /ready every 500 ms takes it out of scatters and capacity sooner.
   */
  liveNow(): Set<string> {
    return new Set([...this.membership.live()].filter((id) => !this.suspects.has(id) && !(id === this.o.self.id && this.loading)));
  }

  get loading(): boolean {
    return this.reloading !== null;
  }

  suspect(id: string): void {
    if (id === this.o.self.id || this.suspects.has(id)) return;
    this.suspects.add(id);
    this.scheduleCoverage();
  }

  /** The first live owner of `person`, or a live member drawn by weight; null when that is this node. */
  placeHeavy(person?: string): { id: string; url: string } | null {
    const known = this.membership.known();
    const live = this.liveNow();
    const members = known.filter((m) => live.has(m.id));
    let id: string | null;
    if (person !== undefined) id = this.answering(person, live);
    else id = drawByWeight(members, Math.random())?.id ?? null;
    if (!id || id === this.o.self.id) return null;
    const m = members.find((x) => x.id === id);
    return m ? { id: m.id, url: m.url } : null;
  }

  private probing = false;

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const live = this.membership.live();
      const peers = this.membership.known().filter((m) => m.id !== this.o.self.id && live.has(m.id));
      let changed = false;
      await Promise.all(peers.map(async (m) => {
        // /ready, not /live: a peer still loading the persons a membership change gave it answers
        // 503 there and must not be asked for them yet
        const ok = await fetch(`${m.url}/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then((r) => r.ok, () => false);
        if (ok === this.suspects.has(m.id)) {
          changed = true;
          if (ok) this.suspects.delete(m.id);
          else this.suspects.add(m.id);
        }
      }));
      // a member gone from etcd needs no suspicion any more
      for (const id of [...this.suspects]) if (!live.has(id)) this.suspects.delete(id);
      if (changed) this.scheduleCoverage();
    } finally {
      this.probing = false;
    }
  }

  owns(id: string): boolean {
    return this.placement().owners(id).includes(this.o.self.id);
  }

  /** The owner table for the known members as they are now (rebuilt when they changed). */
  private placement(): OwnerTable {
    const known = this.membership.known();
    const key = this.keyOf(known);
    if (key !== this.tableKey) {
      this.tableKey = key;
      this.table.reset(known, this.persons.keys());
    }
    return this.table;
  }

  /** The first live owner of a person (the one that answers for it), or null. */
  private answering(id: string, live: ReadonlySet<string>): string | null {
    return this.placement().owners(id).find((o) => live.has(o)) ?? null;
  }

  private setPerson(id: string, updatedAt: number): void {
    this.persons.set(id, updatedAt);
    this.table.add(id);
  }

  private dropPerson(id: string): void {
    this.persons.delete(id);
    this.table.delete(id);
  }

  /** Coverage for the live set as it is now (measured again at once when the live set changed). */
  coverage(): number {
    if (this.liveKey(this.liveNow()) !== this.coverageLive) this.updateCoverage();
    return this.coverageNow;
  }

  private liveKey(live: ReadonlySet<string>): string {
    return [...live].sort().join(',');
  }

  capacity(): number {
    return capacityOf(this.membership.known(), this.liveNow());
  }

  /** Members with their weight, liveness and how many persons each owns (the status report). */
  status(): ClusterStatus {
    const known = this.membership.known();
    const live = this.liveNow();
    return {
      self: this.o.self.id,
      replicationFactor: this.o.replicationFactor,
      capacity: this.capacity(),
      coverage: this.coverage(),
      persons: this.persons.size,
      members: known.map((m) => ({ id: m.id, url: m.url, weight: m.weight, live: live.has(m.id) })),
    };
  }

  written(id: string): void {
    // the writer knows the row exists (or not) now; the others learn it from the notification
    void this.svc.store.get(id).then((rec) => {
      if (rec) this.setPerson(id, rec.updatedAt);
      else this.dropPerson(id);
      this.scheduleCoverage();
    }, () => undefined);
    void this.notifier.query('SELECT pg_notify($1, $2)', [CHANNEL, id]).catch(() => undefined);
  }

  /** This node's share of a scatter: hits among the persons it answers for under the caller's live set. */
  localSearch(req: PeerSearch): { id: string; similarity: number }[] {
    // persons this node owns may not be cached yet: the caller must ask again without it
    if (this.loading) throw new KitError('NOT_READY', 'this node is loading the persons it now owns');
    const q = new Float32Array(req.q.buffer.slice(req.q.byteOffset, req.q.byteOffset + req.q.byteLength));
    const live = new Set(req.live);
    // the nearest persons here include some another node answers for: look deeper, then keep ours
    return this.svc.cache
      .search(req.gallery, q, req.k * Math.max(1, this.o.replicationFactor) + 8)
      .filter((h) => this.answering(h.id, live) === this.o.self.id)
      .slice(0, req.k);
  }

  async search(gallery: string, q: Float32Array, k: number): Promise<{ hits: { id: string; similarity: number }[]; coverage: number }> {
    const known = this.membership.known();
    let live = new Set([...this.liveNow()].filter((id) => known.some((m) => m.id === id)));
    const best = new Map<string, number>();
    let lost = false;
    // a peer that fails mid-scatter took its share with it: ask again without it (once per lost
    // peer at most), so persons it answered for come from their next live owner
    for (let round = 0; round < known.length; round++) {
      const req: PeerSearch = { gallery, q: new Uint8Array(q.buffer, q.byteOffset, q.byteLength), k, live: [...live] };
      const failed = new Set<string>();
      const parts = await Promise.all(
        known.filter((m) => live.has(m.id)).map(async (m) => {
          if (m.id === this.o.self.id) return this.localSearch(req);
          try {
            return await this.peerSearch(m, req);
          } catch (e) {
            if (process.env.MATCHER_DEBUG) console.error(`scatter to ${m.id} failed:`, e instanceof Error ? e.message : e);
            failed.add(m.id);
            return [];
          }
        }),
      );
      for (const h of parts.flat()) if ((best.get(h.id) ?? -2) < h.similarity) best.set(h.id, h.similarity);
      if (!failed.size) break;
      lost = true;
      for (const id of failed) this.suspects.add(id);
      this.scheduleCoverage();
      live = new Set([...live].filter((id) => !failed.has(id)));
    }
    const hits = [...best].map(([id, similarity]) => ({ id, similarity })).sort((a, b) => b.similarity - a.similarity).slice(0, k);
    // the coverage this answer reached: the share of persons with an owner among the nodes that
    // answered (measured again only when one was lost)
    const coverage = lost ? this.placement().coverage(live) : this.coverage();
    return { hits, coverage };
  }

  private async peerSearch(m: Member, req: PeerSearch): Promise<{ id: string; similarity: number }[]> {
    const res = await fetch(`${m.url}/cluster/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': CBOR_MEDIA_TYPE, accept: CBOR_MEDIA_TYPE },
      body: encodeCbor(req) as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(this.o.peerTimeoutMs ?? 3000),
    });
    if (!res.ok) throw new Error(`peer ${m.id}: ${res.status}`);
    const body = decodeStrict(new Uint8Array(await res.arrayBuffer())) as { hits?: { id: string; similarity: number }[] };
    return Array.isArray(body.hits) ? body.hits : [];
  }

  private keyOf(members: Member[]): string {
    return members.map((m) => `${m.id}:${m.weight}`).join(',');
  }

  private membershipChanged(): void {
    const key = this.keyOf(this.membership.known());
    if (key !== this.knownKey) {
      // placement changed (a member joined or was removed for good): drop what we no longer own, load what we now own
      this.knownKey = key;
      for (const id of this.svc.cache.ids()) if (!this.owns(id)) this.svc.cache.remove(id);
      this.reload();
    }
    this.scheduleCoverage();
  }

  /**
   * Loads the persons this node now owns and does not cache. Until they are in, the node is not
   * ready and is no owner in anybody's scatter or coverage (peers see /ready 503), so no answer
   * silently misses them; a node that only lost persons (another joined) has nothing to load.
   */
  private reload(): void {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    const missing = new Set([...this.persons.keys()].filter((id) => this.owns(id) && !this.svc.cache.hasPerson(id)));
    if (!missing.size) return;
    if (process.env.MATCHER_DEBUG) console.error(`cluster ${this.o.self.id}: loading ${missing.size} persons it now owns`);
    this.reloading = this.svc
      .loadCache((id) => missing.has(id))
      .catch(() => undefined)
      .finally(() => {
        this.reloading = null;
        this.scheduleCoverage();
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.reload();
        }
      });
    this.scheduleCoverage();
  }

  private scheduleCoverage(): void {
    if (this.recompute) return;
    this.recompute = setTimeout(() => {
      this.recompute = null;
      this.updateCoverage();
    }, 20);
  }

  private updateCoverage(): void {
    const live = this.liveNow();
    this.coverageNow = this.placement().coverage(live);
    this.coverageLive = this.liveKey(live);
  }

  private async scanIds(): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    await this.svc.store.scanPersons((rows) => {
      for (const r of rows) seen.set(r.id, r.updatedAt);
    });
    return seen;
  }

  /** Rescan: every id and change time; persons changed, added or gone since are refreshed. */
  async rescan(): Promise<number> {
    const seen = await this.scanIds();
    let n = 0;
    for (const [id, t] of seen) {
      if (this.persons.get(id) === t) continue;
      this.setPerson(id, t);
      if (this.owns(id)) await this.svc.refresh(id);
      n++;
    }
    for (const id of [...this.persons.keys()]) {
      if (seen.has(id)) continue;
      this.dropPerson(id);
      this.svc.cache.remove(id);
      n++;
    }
    if (n) this.updateCoverage();
    return n;
  }

  private async listen(): Promise<void> {
    const c = new pg.Client({ connectionString: this.o.notifyUrl });
    c.on('error', () => {
      // a lost LISTEN connection: reconnect; meanwhile the rescan covers what is missed
      this.listener = null;
      setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    c.on('notification', (m) => {
      const id = m.payload;
      if (!id) return;
      void this.svc.store.get(id).then(async (rec) => {
        if (rec) this.setPerson(id, rec.updatedAt);
        else this.dropPerson(id);
        await this.svc.refresh(id);
        this.scheduleCoverage();
      }, () => undefined);
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    this.listener = c;
  }

  async stop(): Promise<void> {
    this.stopMembership?.();
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.recompute) clearTimeout(this.recompute);
    await this.listener?.end().catch(() => undefined);
    await this.notifier.end().catch(() => undefined);
    await this.membership.close();
  }
}
