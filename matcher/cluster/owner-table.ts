/**
 * Every person's owners, computed once per placement (ownersOf hashes the person with every
 * member: about 10 µs a person, seconds for a large gallery) and kept as counts per distinct owner
 * list, so coverage for any live set is a sum over a handful of lists, not a pass that hashes
 * every id again. That pass, run on every probe result, kept a node's event loop busy for seconds,
 * its peers then timed out on it and recomputed in turn: the cluster's lost peers.
 */
import { ownersOf, type Member } from './placement.ts';

export class OwnerTable {
  /** person → index of its owner list */
  private readonly listOf = new Map<string, number>();
  private lists: string[][] = [];
  private counts: number[] = [];
  private readonly byKey = new Map<string, number>();
  private members: readonly Member[] = [];

  constructor(private readonly rf: number) {}

  get size(): number {
    return this.listOf.size;
  }

  /** A new placement: every person's owners again (once per membership change of the known set). */
  reset(members: readonly Member[], persons: Iterable<string>): void {
    this.members = [...members];
    this.listOf.clear();
    this.byKey.clear();
    this.lists = [];
    this.counts = [];
    for (const id of persons) this.add(id);
  }

  add(id: string): void {
    if (this.listOf.has(id)) return;
    const owners = ownersOf(id, this.members, this.rf);
    const key = owners.join('\u0000');
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.lists.length;
      this.byKey.set(key, i);
      this.lists.push(owners);
      this.counts.push(0);
    }
    this.counts[i]++;
    this.listOf.set(id, i);
  }

  delete(id: string): void {
    const i = this.listOf.get(id);
    if (i === undefined) return;
    this.counts[i]--;
    this.listOf.delete(id);
  }

  /** The person's owners, best first (computed on the spot for a person not in the table). */
  owners(id: string): string[] {
    const i = this.listOf.get(id);
    return i === undefined ? ownersOf(id, this.members, this.rf) : this.lists[i];
  }

  /** The share of persons with at least one live owner (1 with none); the same as coverageOf. */
  coverage(live: ReadonlySet<string>): number {
    let n = 0;
    let covered = 0;
    for (let i = 0; i < this.lists.length; i++) {
      n += this.counts[i];
      if (this.lists[i].some((id) => live.has(id))) covered += this.counts[i];
    }
    return n ? covered / n : 1;
  }
}
