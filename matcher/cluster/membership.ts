import { Etcd3, type Lease, type Watcher } from 'etcd3';
import type { Member } from './placement.ts';

export interface MembershipOptions {
  /** etcd client URLs, e.g. `http://127.0.0.1:2379` */
  hosts: string[];
  self: Member;
  /** key prefix shared by one cluster */
  prefix?: string;
  /** lease TTL (s): a node that stops keeping it alive disappears within about 2 × TTL */
  ttlS?: number;
}

/**
 * Membership on etcd (no protocol of our own): each node writes `{id, url, weight}` twice — under
 * `<prefix>/known/<id>` once and for good (placement and capacity are computed over the known
 * members, so a dead node's persons are not moved), and under `<prefix>/live/<id>` bound to a
 * lease it keeps alive. A node that dies loses its lease and its live key with it; every node
 * watches both prefixes. A member leaves the known set only by an operator deleting its key.
 */
export class Membership {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly ttlS: number;
  private lease: Lease | null = null;
  private watchers: Watcher[] = [];
  private readonly knownMap = new Map<string, Member>();
  private readonly liveSet = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private closed = false;

  private constructor(private readonly o: MembershipOptions) {
    this.client = new Etcd3({ hosts: o.hosts, dialTimeout: 3000 });
    this.prefix = (o.prefix ?? '/liveness-kit/matcher').replace(/\/$/, '');
    this.ttlS = o.ttlS ?? 1;
  }

  static async join(o: MembershipOptions): Promise<Membership> {
    const m = new Membership(o);
    await m.start();
    return m;
  }

  /** Every member ever registered (placement and the capacity's denominator). */
  known(): Member[] {
    return [...this.knownMap.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Ids of the members whose lease is alive. */
  live(): ReadonlySet<string> {
    return this.liveSet;
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    for (const cb of this.listeners) cb();
  }

  private parse(value: string): Member | null {
    try {
      const m = JSON.parse(value) as Member;
      return typeof m.id === 'string' && typeof m.url === 'string' && typeof m.weight === 'number' && m.weight > 0 ? m : null;
    } catch {
      return null;
    }
  }

  /**
   * Announces this node as live (call once its cache is loaded: peers route persons to a live
   * node). The lease is kept alive; if etcd loses it, the node registers again.
   */
  async goLive(): Promise<void> {
    await this.register();
  }

  private async register(): Promise<void> {
    const value = JSON.stringify(this.o.self);
    const lease = this.client.lease(this.ttlS, { autoKeepAlive: true });
    lease.on('lost', () => {
      // etcd did not hear from us in time (a pause, a partition): register again while alive
      if (this.closed) return;
      this.lease = null;
      setTimeout(() => void this.register().catch(() => undefined), 200);
    });
    await lease.put(`${this.prefix}/live/${this.o.self.id}`).value(value);
    this.lease = lease;
  }

  private async start(): Promise<void> {
    await this.client.put(`${this.prefix}/known/${this.o.self.id}`).value(JSON.stringify(this.o.self));
    const known = await this.client.getAll().prefix(`${this.prefix}/known/`).strings();
    for (const v of Object.values(known)) {
      const m = this.parse(v);
      if (m) this.knownMap.set(m.id, m);
    }
    const live = await this.client.getAll().prefix(`${this.prefix}/live/`).keys();
    for (const k of live) this.liveSet.add(k.slice(`${this.prefix}/live/`.length));
    const kw = await this.client.watch().prefix(`${this.prefix}/known/`).create();
    kw.on('put', (kv) => {
      const m = this.parse(kv.value.toString());
      if (m) this.knownMap.set(m.id, m);
      this.changed();
    });
    kw.on('delete', (kv) => {
      this.knownMap.delete(kv.key.toString().slice(`${this.prefix}/known/`.length));
      this.changed();
    });
    const lw = await this.client.watch().prefix(`${this.prefix}/live/`).create();
    lw.on('put', (kv) => {
      this.liveSet.add(kv.key.toString().slice(`${this.prefix}/live/`.length));
      this.changed();
    });
    lw.on('delete', (kv) => {
      this.liveSet.delete(kv.key.toString().slice(`${this.prefix}/live/`.length));
      this.changed();
    });
    this.watchers = [kw, lw];
  }

  /** Leaves gracefully: the live key goes at once (the known key stays: this node is expected back). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) await w.cancel().catch(() => undefined);
    await this.lease?.revoke().catch(() => undefined);
    this.client.close();
  }
}
