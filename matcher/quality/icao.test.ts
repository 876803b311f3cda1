import { describe, expect, it } from 'vitest';
import type { QualityReport } from '../extraction/quality.ts';
import { DEFAULT_ICAO_POLICY, icaoChecks, icaoPolicy } from './icao.ts';

const good: QualityReport = {
  faces: 1, interEyePx: 90, faceWidthRatio: 0.4, yaw: 2, pitch: -3, roll: 1, exposure: 130, clipped: 0.01, sharpness: 80,
  eyeOpenness: 0.3, centreOffset: 0.02, eyeLine: 0.45, backgroundStd: 10, eyeGlare: 0, issues: [],
};

describe('icaoChecks', () => {
  it('passes a compliant report on every check', () => {
    const r = icaoChecks(good);
    expect(r.checks).toHaveLength(9);
    expect(r.checks.every((c) => c.passed)).toBe(true);
    expect(r.rejected).toEqual([]);
  });

  it('fails each check on its own measurement', () => {
    const cases: [Partial<QualityReport>, string][] = [
      [{ faces: 2 }, 'SINGLE_FACE'], [{ yaw: 30 }, 'FRONTAL_POSE'], [{ roll: -12 }, 'FRONTAL_POSE'], [{ eyeOpenness: 0.05 }, 'EYES_OPEN'],
      [{ exposure: 40 }, 'LIGHTING'], [{ clipped: 0.2 }, 'LIGHTING'], [{ eyeGlare: 0.08 }, 'NO_GLASSES_GLARE'], [{ interEyePx: 40 }, 'RESOLUTION'],
      [{ sharpness: 5 }, 'SHARPNESS'], [{ backgroundStd: 60 }, 'UNIFORM_BACKGROUND'], [{ centreOffset: 0.3 }, 'CENTRED'], [{ eyeLine: 0.8 }, 'CENTRED'],
    ];
    for (const [change, check] of cases) {
      const failed = icaoChecks({ ...good, ...change }).checks.filter((c) => !c.passed).map((c) => c.check);
      expect(failed, JSON.stringify(change)).toEqual([check]);
    }
  });

  it('rejects only what the policy marks reject; the default rejects two faces and warns on the rest', () => {
    expect(icaoChecks({ ...good, faces: 2, sharpness: 1 }).rejected).toEqual(['SINGLE_FACE']);
    expect(icaoChecks({ ...good, faces: 2, sharpness: 1 }, icaoPolicy('warn')!).rejected).toEqual([]);
    expect(icaoChecks({ ...good, sharpness: 1 }, icaoPolicy('reject')!).rejected).toEqual(['SHARPNESS']);
    expect(icaoChecks({ ...good, faces: 2 }, icaoPolicy('off')!).checks).toEqual([]);
  });

  it('reads a policy word and refuses anything else', () => {
    expect(icaoPolicy(undefined)).toBe(DEFAULT_ICAO_POLICY);
    expect(icaoPolicy('reject')!.CENTRED).toBe('reject');
    expect(icaoPolicy('strict')).toBeNull();
  });
});
