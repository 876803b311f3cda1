import { describe, expect, it } from 'vitest';
import { OwnerTable } from './owner-table.ts';
import { coverageOf, ownersOf, type Member } from './placement.ts';

const members: Member[] = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, url: `http://n${i}`, weight: i === 0 ? 2 : 1 }));
const ids = Array.from({ length: 3000 }, (_, i) => `acme:p${i}`);

describe('OwnerTable', () => {
  it('answers the same owners and coverage as the placement functions, for every live set tried', () => {
    const t = new OwnerTable(2);
    t.reset(members, ids);
    for (const id of ids.slice(0, 200)) expect(t.owners(id)).toEqual(ownersOf(id, members, 2));
    for (const dead of [[], ['n1'], ['n1', 'n2'], ['n0', 'n3', 'n5'], ['n0', 'n1', 'n2', 'n3', 'n4', 'n5']]) {
      const live = new Set(members.map((m) => m.id).filter((id) => !dead.includes(id)));
      expect(t.coverage(live), dead.join(',')).toBeCloseTo(coverageOf(ids, members, 2, live), 12);
    }
  });

  it('follows persons added and deleted, and a new placement', () => {
    const t = new OwnerTable(1);
    t.reset(members, ids.slice(0, 100));
    t.add('acme:new');
    t.add('acme:new'); // once only
    t.delete(ids[0]);
    t.delete('acme:unknown');
    const now = [...ids.slice(1, 100), 'acme:new'];
    expect(t.size).toBe(100);
    const live = new Set(['n0', 'n2']);
    expect(t.coverage(live)).toBeCloseTo(coverageOf(now, members, 1, live), 12);
    const fewer = members.slice(0, 3);
    t.reset(fewer, now);
    expect(t.owners('acme:new')).toEqual(ownersOf('acme:new', fewer, 1));
    expect(t.coverage(new Set(['n0', 'n1', 'n2']))).toBe(1);
    expect(new OwnerTable(2).coverage(new Set())).toBe(1);
  });
});
