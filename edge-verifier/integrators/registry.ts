import * as v from 'valibot';
import { IntegratorSchema, type Integrator } from '../config.ts';
import type { VerifierStore } from '../store/types.ts';
import { diffIntegrator } from './changes.ts';

/**
 * Integrators as the store holds them, read through a short cache (default 1 s): a change made
 * through the admin API by this process is seen at once (invalidate), one made by another process
 * sharing the store within the cache's lifetime. `seed` (the configured integrators) is written
 * on first use for the ids the store does not hold yet (`seedMode` overwrite: over stored ones
 * too, with their change rows); the store stays the source of truth.
 */
export class IntegratorRegistry {
  private cache: { at: number; list: Integrator[]; byId: Map<string, Integrator> } | null = null;
  private seeded: Promise<unknown> | null = null;

  constructor(
    private readonly store: Pick<VerifierStore, 'listIntegrators' | 'seedIntegrators' | 'putIntegrator'>,
    private readonly seed: readonly Integrator[] = [],
    private readonly ttlMs = 1_000,
    private readonly clockMs: () => number = Date.now,
    private readonly seedMode: 'missing' | 'overwrite' = 'missing',
  ) {}

  async all(): Promise<Integrator[]> {
    return (await this.load()).list;
  }

  async get(id: string): Promise<Integrator | undefined> {
    return (await this.load()).byId.get(id);
  }

  invalidate(): void {
    this.cache = null;
  }

  private async writeSeed(): Promise<void> {
    if (!this.seed.length) return;
    const now = Math.floor(this.clockMs() / 1000);
    await this.store.seedIntegrators(this.seed.map((i) => ({ id: i.id, config: JSON.stringify(i) })), now);
    if (this.seedMode !== 'overwrite') return;
    const stored = new Map((await this.store.listIntegrators()).map((r) => [r.id, r]));
    for (const i of this.seed) {
      const row = stored.get(i.id);
      if (!row) continue;
      const changes = await diffIntegrator(JSON.parse(row.config), i);
      // a concurrent writer wins; the next start overwrites again
      if (changes.length) await this.store.putIntegrator(i.id, JSON.stringify(i), row.updatedAt, 'seed', changes, now);
    }
  }

  private async load() {
    if (this.cache && this.clockMs() - this.cache.at < this.ttlMs) return this.cache;
    this.seeded ??= this.writeSeed().catch((e: unknown) => {
      this.seeded = null;
      throw e;
    });
    await this.seeded;
    const list: Integrator[] = [];
    for (const row of await this.store.listIntegrators()) {
      const r = v.safeParse(IntegratorSchema, JSON.parse(row.config));
      // a row this version cannot read is left out (and said), never half-applied
      if (r.success) list.push(r.output);
      else console.error(`[verifier] integrator ${row.id}: stored configuration does not validate; ignored`);
    }
    this.cache = { at: this.clockMs(), list, byId: new Map(list.map((i) => [i.id, i])) };
    return this.cache;
  }
}
