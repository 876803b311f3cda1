import { describe, expect, it } from 'vitest';
import { cameraRisk } from './camera.ts';
import { straightEdges } from './edges.ts';
import { screenOverlap } from './objects.ts';
import { skin, synth } from './test-images.ts';

describe('straightEdges', () => {
  const face = { x: 165, y: 130, w: 150, h: 190 };
  const inFace = (x: number, y: number) => ((x - 240) / 75) ** 2 + ((y - 225) / 95) ** 2 < 1;
  it('a bezel framing the face scores far higher than a plain room', () => {
    const bezel = synth(480, 480, (x, y) => (x > 100 && x < 380 && y > 60 && y < 420 ? (inFace(x, y) ? skin(x, y) : [70, 80, 90]) : x > 85 && x < 395 && y > 45 && y < 435 ? [20, 20, 22] : [160, 170, 180]));
    const room = synth(480, 480, (x, y) => (inFace(x, y) ? skin(x, y) : [150 + y / 8, 160, 170]));
    const b = straightEdges(bezel, face);
    const r = straightEdges(room, face);
    expect(b.frame).toBeGreaterThan(0.6);
    expect(r.frame).toBeLessThan(0.2);
  });
  it('a single door edge does not make a frame', () => {
    const door = synth(480, 480, (x, y) => (inFace(x, y) ? skin(x, y) : x < 60 ? [90, 60, 40] : [200, 200, 200]));
    expect(straightEdges(door, face).frame).toBeLessThan(0.45);
  });
});

describe('screenOverlap', () => {
  const face = { x: 100, y: 100, w: 50, h: 50 };
  it('scores screen-like objects over the face only', () => {
    expect(screenOverlap([{ box: { x: 80, y: 80, w: 100, h: 160 }, score: 0.7, classId: 67, label: 'cell phone' }], face)).toBe(0.7);
    expect(screenOverlap([{ box: { x: 300, y: 300, w: 100, h: 160 }, score: 0.7, classId: 67, label: 'cell phone' }], face)).toBe(0);
    expect(screenOverlap([{ box: { x: 80, y: 80, w: 100, h: 160 }, score: 0.9, classId: 0, label: 'person' }], face)).toBe(0);
  });
});

describe('cameraRisk', () => {
  it('is never positive', () => {
    expect(cameraRisk({ virtual: false, nonCamera: false, timingAnomaly: false })).toBe(0);
    expect(cameraRisk({ virtual: true, nonCamera: true, timingAnomaly: true })).toBeLessThan(-4);
  });
});
