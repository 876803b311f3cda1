import { describe, expect, it } from 'vitest';
import { chooseBestFrame } from './best-frame.ts';

const box = (w: number) => ({ x: 0, y: 0, w, h: w });

describe('chooseBestFrame', () => {
  it('prefers the largest passive face, whatever the client labelled best', () => {
    expect(chooseBestFrame([
      { role: 'far', box: box(100), embedded: true },
      { role: 'near', box: box(300), embedded: true },
      { role: 'best', box: box(150), embedded: true },
      { role: 'seq', box: box(180), embedded: true },
    ])).toBe(3);
  });
  it('passes over a passive face turned past the pose limits while a frontal one exists', () => {
    expect(chooseBestFrame([
      { role: 'far', box: box(100), embedded: true },
      { role: 'seq', box: box(250), embedded: true, turned: true },
      { role: 'seq', box: box(180), embedded: true },
    ])).toBe(2);
    expect(chooseBestFrame([{ role: 'far', box: box(300), embedded: true }, { role: 'seq', box: box(200), embedded: true, turned: true }])).toBe(1);
  });
  it('falls back to any face, skips frames without an embedding, -1 without faces', () => {
    expect(chooseBestFrame([{ role: 'far', box: box(100), embedded: true }, { role: 'seq', box: box(200), embedded: false }])).toBe(0);
    expect(chooseBestFrame([{ role: 'seq', box: null, embedded: false }])).toBe(-1);
  });
});
