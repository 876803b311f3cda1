import { describe, expect, it } from 'vitest';
import { MAX_EVIDENCE_FRAMES, MAX_FRAME_BYTES } from '../../protocol/index.ts';
import { EvidenceCollector, spread, type GrabbedFrame } from './evidence-collector.ts';

function g(t: number, o: Partial<GrabbedFrame> = {}): GrabbedFrame {
  return { bytes: new Uint8Array([t & 255, 1, 2]), w: 480, h: 480, t, quality: 0.5, faceWidthPx: 200, phase: 'passive', role: 'candidate', ...o };
}

describe('EvidenceCollector', () => {
  it('orders far, near, best then seq spread over passive and approach', () => {
    const c = new EvidenceCollector({ count: 8 });
    for (let t = 0; t < 1000; t += 100) c.add(g(t, { quality: t === 500 ? 0.9 : 0.5 }));
    c.add(g(1000, { role: 'far' }));
    for (let t = 1100; t < 2000; t += 100) c.add(g(t, { phase: 'approach' }));
    c.add(g(2000, { role: 'near', phase: 'approach', faceWidthPx: 260 }));
    const s = c.select();
    expect(s).toHaveLength(8);
    expect(s.map((f) => f.evidenceRole)).toEqual(['far', 'near', 'best', 'seq', 'seq', 'seq', 'seq', 'seq']);
    expect(s[2].t).toBe(500);
    const seqT = s.slice(3).map((f) => f.t);
    expect(seqT[0]).toBe(0);
    expect(seqT.at(-1)).toBe(1900);
    expect(seqT).toEqual([...seqT].sort((a, b) => a - b));
  });

  it('a head-turn frame follows near, on top of the count (the passive frames the PAD reads stay as many), within the protocol limit', () => {
    const c = new EvidenceCollector({ count: 8 });
    for (let t = 0; t < 1000; t += 100) c.add(g(t));
    c.add(g(1000, { role: 'far' }));
    c.add(g(2000, { role: 'near', phase: 'approach' }));
    c.add(g(2600, { role: 'turn', phase: 'approach' }));
    const s = c.select();
    expect(s.map((f) => f.evidenceRole)).toEqual(['far', 'near', 'turn', 'best', 'seq', 'seq', 'seq', 'seq', 'seq']);
    expect(s[2].t).toBe(2600);
    const max = new EvidenceCollector({ count: 99 });
    for (let t = 0; t < 40; t++) max.add(g(t));
    max.add(g(50, { role: 'far' }));
    max.add(g(60, { role: 'near' }));
    max.add(g(70, { role: 'turn' }));
    expect(max.select()).toHaveLength(MAX_EVIDENCE_FRAMES);
  });

  it('never uploads one camera frame twice: a candidate repeating far, near or another candidate is left out', () => {
    const same = (k: number) => new Uint8Array([k, 9, 9, 9]);
    const c = new EvidenceCollector({ count: 8 });
    c.add(g(0, { bytes: same(1) }));
    c.add(g(30, { bytes: same(1), quality: 0.9 })); // the video had not advanced: the same JPEG
    for (let t = 300; t < 1500; t += 300) c.add(g(t));
    c.add(g(1500, { role: 'far', bytes: same(2) }));
    c.add(g(1510, { phase: 'approach', bytes: same(2) }));
    c.add(g(2000, { role: 'near', phase: 'approach', bytes: same(3) }));
    c.add(g(2005, { phase: 'approach', bytes: same(3) }));
    const s = c.select();
    const keys = s.map((f) => Array.from(f.bytes).join(','));
    expect(new Set(keys).size).toBe(s.length);
    expect(s.map((f) => f.t)).toEqual([1500, 2000, 0, 300, 600, 900, 1200]);
  });

  it('skips small faces and oversized frames, and caps the count at the protocol limit', () => {
    const c = new EvidenceCollector({ count: 99 });
    c.add(g(0, { faceWidthPx: 100 }));
    c.add(g(1, { bytes: new Uint8Array(MAX_FRAME_BYTES + 1) }));
    for (let t = 10; t < 40; t++) c.add(g(t));
    c.add(g(50, { role: 'far' }));
    c.add(g(60, { role: 'near' }));
    const s = c.select();
    expect(s).toHaveLength(MAX_EVIDENCE_FRAMES);
    expect(s.some((f) => f.t === 0 || f.t === 1)).toBe(false);
  });

  it('needs far and near; without candidates sends no best (never the far frame twice)', () => {
    const c = new EvidenceCollector();
    c.add(g(0, { role: 'far' }));
    expect(() => c.select()).toThrow(/far and near/);
    c.add(g(9, { role: 'near' }));
    expect(c.select().map((f) => [f.evidenceRole, f.t])).toEqual([['far', 0], ['near', 9]]);
  });

  it('thins candidates evenly when over capacity', () => {
    const c = new EvidenceCollector({ maxCandidates: 4 });
    for (let t = 0; t < 10; t++) c.add(g(t));
    expect(c.size).toBe(4);
  });

  it('spread picks first, last and evenly between', () => {
    expect(spread([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([1, 4, 7]);
    expect(spread([1, 2], 5)).toEqual([1, 2]);
    expect(spread([1, 2, 3], 0)).toEqual([]);
  });
});
