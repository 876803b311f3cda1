/**
 * Deterministic image sample for the default run: every non-bona-fide image, then bona fide images
 * spread over their source folders in proportion to each folder's size, picked by a stable hash
 * of the path (the same set on every run and every machine).
 */
import { createHash } from 'node:crypto';

export interface SampleItem {
  path: string;
  kind: string;
  label: string;
}

const key = (p: string) => createHash('sha256').update(p).digest('hex');
/** the stratum of an item: its label, and for bona fide its source folder (e.g. faces/lfw) */
const stratum = (i: SampleItem) => (i.label === 'bona_fide' ? `bona_fide:${i.path.split('/').slice(0, 2).join('/')}` : i.label);

export function sampleImages<T extends SampleItem>(images: readonly T[], max: number): T[] {
  const attacks = images.filter((i) => i.label !== 'bona_fide');
  const bona = images.filter((i) => i.label === 'bona_fide');
  const room = Math.max(0, max - attacks.length);
  if (bona.length <= room) return [...images];
  const groups = new Map<string, T[]>();
  for (const i of bona) groups.set(stratum(i), [...(groups.get(stratum(i)) ?? []), i]);
  const picked: T[] = [];
  // largest-remainder allocation, at least one per stratum while there is room
  const names = [...groups.keys()].sort();
  const quota = new Map(names.map((n) => [n, Math.floor((room * groups.get(n)!.length) / bona.length)]));
  for (const n of names) if (quota.get(n) === 0 && room >= names.length) quota.set(n, 1);
  let left = room - [...quota.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...names].sort((a, b) => ((room * groups.get(b)!.length) / bona.length) % 1 - ((room * groups.get(a)!.length) / bona.length) % 1);
  for (const n of byRemainder) if (left > 0 && quota.get(n)! < groups.get(n)!.length) { quota.set(n, quota.get(n)! + 1); left--; }
  for (const n of names) picked.push(...[...groups.get(n)!].sort((a, b) => key(a.path).localeCompare(key(b.path))).slice(0, quota.get(n)));
  const keep = new Set<T>([...attacks, ...picked]);
  return images.filter((i) => keep.has(i));
}

/** counts per stratum, for printing what was sampled */
export function strata(items: readonly SampleItem[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[stratum(i)] = (out[stratum(i)] ?? 0) + 1;
  return out;
}
