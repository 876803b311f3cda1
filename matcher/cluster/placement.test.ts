import { describe, expect, it } from 'vitest';
import { answeringOwner, capacityOf, coverageOf, drawByWeight, expectedCoverage, ownersOf, type Member } from './placement.ts';

const nodes = (n: number, weight = 1): Member[] => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, url: `http://n${i}`, weight }));
const persons = Array.from({ length: 20_000 }, (_, i) => `acme:person-${i}`);

describe('weighted rendezvous placement', () => {
  it('rf distinct owners, the same on every call and in any member order', () => {
    const m = nodes(5);
    const o = ownersOf('acme:p1', m, 2);
    expect(new Set(o).size).toBe(2);
    expect(ownersOf('acme:p1', [...m].reverse(), 2)).toEqual(o);
    expect(ownersOf('acme:p1', m, 9)).toHaveLength(5);
  });

  it('load follows weight; removing a member moves only the persons it owned', () => {
    const m = [...nodes(4), { id: 'big', url: 'http://big', weight: 2 }];
    const count = new Map<string, number>();
    for (const p of persons) for (const id of ownersOf(p, m, 1)) count.set(id, (count.get(id) ?? 0) + 1);
    // weight 2 of a total 6: a third of the persons (±2 points); weight 1: a sixth each
    expect(count.get('big')! / persons.length).toBeCloseTo(1 / 3, 1);
    for (const id of ['n0', 'n1', 'n2', 'n3']) expect(Math.abs(count.get(id)! / persons.length - 1 / 6)).toBeLessThan(0.02);
    const without = m.filter((x) => x.id !== 'n2');
    const moved = persons.filter((p) => ownersOf(p, m, 1)[0] !== ownersOf(p, without, 1)[0]);
    expect(moved.every((p) => ownersOf(p, m, 1)[0] === 'n2')).toBe(true);
  });

  it('capacity is the weighted live share; coverage counts persons with a live owner', () => {
    const m = [...nodes(4), { id: 'big', url: 'http://big', weight: 2 }];
    expect(capacityOf(m, new Set(['n0', 'n1', 'n2', 'n3', 'big']))).toBe(1);
    expect(capacityOf(m, new Set(['n0', 'big']))).toBeCloseTo(0.5);
    expect(coverageOf(persons, m, 2, new Set(m.map((x) => x.id)))).toBe(1);
    expect(coverageOf([], m, 2, new Set())).toBe(1);
    const live = new Set(['n0', 'n1', 'n2', 'n3']);
    expect(coverageOf(persons, m, 2, live)).toBe(1);
    for (const p of persons.slice(0, 100)) expect(live.has(answeringOwner(p, m, 2, live)!)).toBe(true);
  });

  it('10 nodes, RF 2: measured coverage matches 1 − C(dead,2)/C(10,2) within ±2 points for 0–5 dead', () => {
    const m = nodes(10);
    for (let dead = 0; dead <= 5; dead++) {
      const live = new Set(m.slice(dead).map((x) => x.id));
      const measured = coverageOf(persons, m, 2, live);
      expect(Math.abs(measured - expectedCoverage(10, 2, dead)), `dead ${dead}`).toBeLessThan(0.02);
    }
    // the table: 1 dead → 100 %, 2 → 97.8 %, 3 → 93.3 %, 4 → 86.7 %, 5 → 77.8 %
    expect([1, 2, 3, 4, 5].map((d) => Math.round(expectedCoverage(10, 2, d) * 1000) / 10)).toEqual([100, 97.8, 93.3, 86.7, 77.8]);
  });

  it('5 nodes, RF 2: one dead keeps coverage 1; two dead lose exactly the persons owned by both', () => {
    const m = nodes(5);
    expect(coverageOf(persons, m, 2, new Set(['n1', 'n2', 'n3', 'n4']))).toBe(1);
    const live = new Set(['n2', 'n3', 'n4']);
    const lost = persons.filter((p) => ownersOf(p, m, 2).every((id) => !live.has(id))).length;
    expect(coverageOf(persons, m, 2, live)).toBeCloseTo(1 - lost / persons.length, 10);
    expect(Math.abs(coverageOf(persons, m, 2, live) - expectedCoverage(5, 2, 2))).toBeLessThan(0.02);
  });
});

describe('drawByWeight: where heavy work runs', () => {
  it('draws each member in proportion to its weight', () => {
    const ms: Member[] = [{ id: 'a', url: 'http://a', weight: 1 }, { id: 'b', url: 'http://b', weight: 3 }, { id: 'c', url: 'http://c', weight: 0.5 }];
    const n = 9000;
    const by = new Map<string, number>();
    // evenly spaced u: the shares are exact up to one step
    for (let i = 0; i < n; i++) {
      const m = drawByWeight(ms, (i + 0.5) / n)!;
      by.set(m.id, (by.get(m.id) ?? 0) + 1);
    }
    expect(by.get('a')! / n).toBeCloseTo(1 / 4.5, 3);
    expect(by.get('b')! / n).toBeCloseTo(3 / 4.5, 3);
    expect(by.get('c')! / n).toBeCloseTo(0.5 / 4.5, 3);
  });
  it('answers null with no member, and stays in range at the edges', () => {
    expect(drawByWeight([], 0.5)).toBeNull();
    const ms: Member[] = [{ id: 'a', url: 'http://a', weight: 2 }];
    expect(drawByWeight(ms, 0)?.id).toBe('a');
    expect(drawByWeight(ms, 0.999999999)?.id).toBe('a');
  });
});
