import { describe, expect, it } from 'vitest';
import type { PadResult } from '../../vision/pad/index.ts';
import { frameMeta, padSignals } from './server-pad.ts';

describe('server PAD request handling', () => {
  it('uses declared roles and times only when they are well formed', () => {
    expect(frameMeta(3, ['seq', 'far', 'near'], [0, 2700, 3500])).toEqual([
      { role: 'seq', t: 0 }, { role: 'far', t: 2700 }, { role: 'near', t: 3500 },
    ]);
    // the head-turn frame keeps its role (the PAD leaves it out; the challenge reads it)
    expect(frameMeta(3, ['far', 'near', 'turn'], [0, 800, 1900]).map((m) => m.role)).toEqual(['far', 'near', 'turn']);
    // wrong length, unknown role, non-finite or negative time: submission order, passive frames
    expect(frameMeta(2, ['far'], [0, 1])).toEqual([{ role: 'seq', t: 0 }, { role: 'seq', t: 1 }]);
    expect(frameMeta(2, ['far', 'live!'], undefined)).toEqual([{ role: 'seq', t: 0 }, { role: 'seq', t: 300 }]);
    expect(frameMeta(2, undefined, [0, Number.NaN])).toEqual([{ role: 'seq', t: 0 }, { role: 'seq', t: 300 }]);
    expect(frameMeta(2, undefined, [-5, 10])).toEqual([{ role: 'seq', t: 0 }, { role: 'seq', t: 300 }]);
  });

  it('flattens signals to finite numbers only', () => {
    const r: PadResult = {
      liveness: 30, live: false, reasons: ['PAD_PLANAR_MOTION'],
      signals: { features: { planar: -2.123456, moire: Number.NaN }, contributions: { planar: -1.5 }, scaleGain: Number.NaN, screenObject: 0 },
    };
    expect(padSignals(r, { frames: 10, bad: Number.POSITIVE_INFINITY })).toEqual({ frames: 10, planar: -2.1235, planarLogOdds: -1.5, screenObject: 0 });
  });
});
