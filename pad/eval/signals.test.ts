import { describe, expect, it } from 'vitest';
import { groupOf, signalReport, signalTables, type SignalSample } from './signals.ts';

describe('per-signal report', () => {
  const samples: SignalSample[] = [
    { source: 'video/live/a.mp4', liveness: 80, reasons: [], signals: { edges: 0.1, edgesLogOdds: 0.5, glare: 0.2, glareLogOdds: 0.1, padMs: 12 } },
    { source: 'video/live/a.mp4', liveness: 30, reasons: ['PAD_FRAME_EDGES'], signals: { edges: 0.9, edgesLogOdds: -2.5, glare: 0.3, glareLogOdds: -0.4, padMs: 9 } },
    { source: 'more/video/b.mp4', liveness: 10, reasons: ['PAD_FROZEN_FRAMES'], signals: { edges: 0.2, edgesLogOdds: 0.3, glare: 0.1, glareLogOdds: 0.2 } },
  ];
  it('groups by source folder and gives each signal its distribution (timings left out)', () => {
    const r = signalReport(samples, 50);
    expect(Object.keys(r.groups)).toEqual(['more/video', 'video/live']);
    expect(r.groups['video/live']).toMatchObject({ windows: 2, rejected: 1 });
    expect(Object.keys(r.groups['video/live'].signals)).toEqual(['edges', 'glare']);
    expect(r.groups['video/live'].signals.edges).toMatchObject({ n: 2, median: 0.5 });
    expect(r.groups['video/live'].signals.edges.p10).toBeCloseTo(0.18, 5);
  });
  it('names the signal that pulled each rejected window down, and the veto when only a veto did', () => {
    const r = signalReport(samples, 50);
    expect(r.rejected).toEqual([
      { source: 'video/live/a.mp4', liveness: 30, strongest: 'edges', logOdds: -2.5, vetoes: [] },
      { source: 'more/video/b.mp4', liveness: 10, strongest: null, logOdds: 0.2, vetoes: ['PAD_FROZEN_FRAMES'] },
    ]);
    const text = signalTables(r);
    expect(text).toContain('source group video/live: 2 bona fide windows, 1 rejected');
    expect(text).toContain('more/video/b.mp4: liveness 10, no negative signal; veto PAD_FROZEN_FRAMES');
  });
  it('groups by folder and the clip name\'s source prefix', () => {
    expect(groupOf('clip.mp4')).toBe('.');
    expect(groupOf('video/live2/lp_d5_man_grey.mp4')).toBe('video/live2/lp');
    expect(groupOf('video/live/d0.mp4')).toBe('video/live');
  });
});
