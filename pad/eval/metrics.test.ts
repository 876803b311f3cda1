import { describe, expect, it } from 'vitest';
import { acceptAt, apcer, bpcer, bpcerAtApcer, fmtRate } from './metrics.ts';

describe('PAD metrics', () => {
  it('APCER counts accepted attacks, BPCER rejected bona fide', () => {
    expect(apcer([true, false, false, false])).toEqual({ n: 4, errors: 1, rate: 0.25 });
    expect(bpcer([true, false, true])).toEqual({ n: 3, errors: 1, rate: 1 / 3 });
    expect(apcer([]).rate).toBeNull();
    expect(fmtRate(apcer([]))).toBe('n/a (0)');
    expect(fmtRate(bpcer([false, true]))).toBe('50.0% (1/2)');
  });

  it('acceptAt accepts scores at or above the threshold', () => {
    expect(acceptAt([49, 50, 51], 50)).toEqual([false, true, true]);
  });

  it('BPCER@APCER picks the lowest threshold meeting the APCER target', () => {
    const attacks = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95];
    const bona = [55, 65, 75, 85, 92, 96, 97, 98, 99, 100];
    // 10% of 10 attacks: the highest one (95) may pass; threshold just above 90
    const r10 = bpcerAtApcer(bona, attacks, 0.1);
    expect(r10.apcer).toBe(0.1);
    expect(r10.threshold).toBeGreaterThan(90);
    expect(r10.threshold).toBeLessThanOrEqual(91);
    expect(r10.bpcer).toBe(0.4); // 55 65 75 85 rejected
    // 1%: no attack may pass; threshold just above 95
    const r1 = bpcerAtApcer(bona, attacks, 0.01);
    expect(r1.apcer).toBe(0);
    expect(r1.bpcer).toBe(0.5); // 92 rejected too
  });

  it('ties at the attack score count as rejected bona fide, never as accepted attacks', () => {
    const r = bpcerAtApcer([50, 60], [50], 0.05);
    expect(r.apcer).toBe(0);
    expect(r.bpcer).toBe(0.5);
  });

  it('a target ≥ 100% accepts everything; empty classes give nulls', () => {
    expect(bpcerAtApcer([1, 2], [3], 1).bpcer).toBe(0);
    expect(bpcerAtApcer([], [3], 0.1).bpcer).toBeNull();
    expect(bpcerAtApcer([1], [], 0.1).threshold).toBeNull();
  });
});

import { sampleImages } from './sample.ts';

describe('image sample', () => {
  const img = (path: string, label = 'bona_fide') => ({ path, kind: 'image', label });
  const items = [
    ...Array.from({ length: 30 }, (_, i) => img(`faces/lfw/${i}.jpg`)),
    ...Array.from({ length: 10 }, (_, i) => img(`faces/deepface/${i}.jpg`)),
    img('spoof/print/a.jpg', 'print'),
    img('spoof/mask/b.jpg', 'mask'),
  ];
  it('keeps every attack, spreads bona fide over folders, and is deterministic', () => {
    const s = sampleImages(items, 10);
    expect(s).toHaveLength(10);
    expect(s.filter((i) => i.label !== 'bona_fide')).toHaveLength(2);
    expect(s.filter((i) => i.path.startsWith('faces/lfw/'))).toHaveLength(6);
    expect(s.filter((i) => i.path.startsWith('faces/deepface/'))).toHaveLength(2);
    expect(sampleImages(items, 10)).toEqual(s);
    expect(sampleImages(items, 100)).toHaveLength(items.length);
  });
});

describe('BPCER per bona fide source', () => {
  it('groups bona fide items by folder and clip-name prefix, per decision', async () => {
    const { bySource } = await import('./report.ts');
    const item = (p: string, device: boolean, liveness: number, label = 'bona_fide') => ({ path: p, kind: 'video' as const, label, device, liveness, deviceCodes: [], reasons: [], ms: 0 });
    const r = bySource(
      [item('video/live/siv_a.mp4', true, 80), item('video/live/siv_b.mp4', false, 40), item('video/live/nert_c.mp4', true, 70), item('video/attack/x_d.mp4', true, 90, 'screen')],
      50,
    );
    expect(Object.keys(r)).toEqual(['video/live/nert', 'video/live/siv']);
    expect(r['video/live/siv'].bpcer.server).toEqual({ n: 2, errors: 1, rate: 0.5 });
    expect(r['video/live/siv'].bpcer.combined).toEqual({ n: 2, errors: 1, rate: 0.5 });
    expect(r['video/live/nert'].bpcer.device).toEqual({ n: 1, errors: 0, rate: 0 });
  });
});
