import { describe, expect, it } from 'vitest';
import { chooseApproachStart } from './approach-camera.ts';

const o = { min: 4, preferred: 8, window: 5 };

describe('chooseApproachStart', () => {
  it('keeps the preferred start when the clip looks at the camera throughout', () => {
    expect(chooseApproachStart(Array(20).fill(true), o)).toBe(8);
  });

  it('moves the approach off a head turn to where the face is frontal', () => {
    // frontal until frame 9, turned away from 9 on: the window must end before the turn
    const f = Array.from({ length: 20 }, (_, i) => i < 9);
    expect(chooseApproachStart(f, o)).toBe(4);
    // turned early, frontal from 12 on
    expect(chooseApproachStart(Array.from({ length: 20 }, (_, i) => i >= 12), o)).toBe(12);
  });

  it('counts only measured frames and never starts before min', () => {
    const f: (boolean | null)[] = Array.from({ length: 20 }, (_, i) => (i % 2 ? null : i < 3));
    expect(chooseApproachStart(f, o)).toBe(8); // nothing frontal after min: every start ties, preferred wins
  });

  it('answers the preferred start for a clip too short to search', () => {
    expect(chooseApproachStart([true, true], o)).toBe(8);
  });
});
