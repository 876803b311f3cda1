import { createHash } from 'node:crypto';

/** A cluster member as registered in etcd. */
export interface Member {
  id: string;
  url: string;
  /** share of the heavy work and of the persons it caches (> 0) */
  weight: number;
}

/** A uniform number in (0, 1) from the pair (person, member): the same on every node. */
function unit(person: string, member: string): number {
  const h = createHash('sha256').update(person).update('\u0000').update(member).digest();
  // 52 bits, shifted off 0 and 1 so the logarithm below stays finite
  const x = (h.readUInt32BE(0) * 2 ** 20 + (h.readUInt32BE(4) >>> 12)) / 2 ** 52;
  return (x * (2 ** 52 - 2) + 1) / 2 ** 52;
}

/**
 * Weighted rendezvous (highest random weight) hashing: the `rf` owners of a person among
 * `members`, best first. Score = −weight / ln(u): a member with twice the weight owns twice the
 * persons, and removing a member moves only the persons it owned.
 */
export function ownersOf(person: string, members: readonly Member[], rf: number): string[] {
  return members
    .map((m) => ({ id: m.id, s: -m.weight / Math.log(unit(person, m.id)) }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, Math.max(1, rf))
    .map((x) => x.id);
}

/** The live owner that answers for a person in a scatter (the first of its owners that is live), or null. */
export function answeringOwner(person: string, members: readonly Member[], rf: number, live: ReadonlySet<string>): string | null {
  for (const id of ownersOf(person, members, rf)) if (live.has(id)) return id;
  return null;
}

/**
 * A member drawn with probability proportional to its weight (`u` uniform in [0, 1)), or null
 * with none: where a heavy request runs (matcher/api/forward.ts).
 */
export function drawByWeight(members: readonly Member[], u: number): Member | null {
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (!(total > 0)) return null;
  let x = u * total;
  for (const m of members) if ((x -= m.weight) < 0) return m;
  return members[members.length - 1];
}

/** Capacity: the weighted share of the known members that are live (1 with no members known). */
export function capacityOf(members: readonly Member[], live: ReadonlySet<string>): number {
  const total = members.reduce((s, m) => s + m.weight, 0);
  if (total <= 0) return 1;
  return members.filter((m) => live.has(m.id)).reduce((s, m) => s + m.weight, 0) / total;
}

/** Coverage: the share of `persons` with at least one live owner (1 with no persons). */
export function coverageOf(persons: Iterable<string>, members: readonly Member[], rf: number, live: ReadonlySet<string>): number {
  let n = 0;
  let covered = 0;
  for (const p of persons) {
    n++;
    if (answeringOwner(p, members, rf, live) !== null) covered++;
  }
  return n ? covered / n : 1;
}

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Expected coverage with `n` equal-weight members, `rf` owners per person and `dead` of them down:
 * a person is lost only when all its owners are among the dead, 1 − C(dead, rf) / C(n, rf).
 */
export function expectedCoverage(n: number, rf: number, dead: number): number {
  return 1 - choose(dead, rf) / choose(n, Math.min(rf, n));
}
