/**
 * ICAO-style checks on a reference image's quality report, each with a policy: `reject` keeps the
 * image out of the gallery (400 QUALITY_REJECTED), `warn` enrols it and reports the failure, `off`
 * skips the check. Limits follow ISO/IEC 19794-5's token and full-frontal profiles where our
 * measurements allow (pose from the mesh is approximate; see matcher/README.md).
 */
import type { QualityReport } from '../extraction/quality.ts';

export const ICAO_CHECKS = [
  'SINGLE_FACE', 'FRONTAL_POSE', 'EYES_OPEN', 'LIGHTING', 'NO_GLASSES_GLARE', 'RESOLUTION', 'SHARPNESS', 'UNIFORM_BACKGROUND', 'CENTRED',
] as const;
export type IcaoCheck = (typeof ICAO_CHECKS)[number];
export type IcaoPolicy = 'off' | 'warn' | 'reject';

export const ICAO_LIMITS = {
  maxYaw: 15, maxPitch: 15, maxRoll: 8,
  minEyeOpenness: 0.15,
  minExposure: 70, maxExposure: 200, maxClipped: 0.05,
  maxEyeGlare: 0.02,
  /** pixels between the eye centres: the token image's minimum */
  minInterEyePx: 60,
  minSharpness: 20,
  maxBackgroundStd: 35,
  maxCentreOffset: 0.1, minEyeLine: 0.3, maxEyeLine: 0.6,
};

/** Default policy: two faces in a reference image is never enrolled; everything else is reported. */
export const DEFAULT_ICAO_POLICY: Record<IcaoCheck, IcaoPolicy> = {
  SINGLE_FACE: 'reject', FRONTAL_POSE: 'warn', EYES_OPEN: 'warn', LIGHTING: 'warn', NO_GLASSES_GLARE: 'warn',
  RESOLUTION: 'warn', SHARPNESS: 'warn', UNIFORM_BACKGROUND: 'warn', CENTRED: 'warn',
};

export interface IcaoResult { check: IcaoCheck; passed: boolean; value: string; policy: IcaoPolicy }

/** A whole policy from one word (`warn` / `reject` for every check) or the default when absent. */
export function icaoPolicy(word: string | undefined, base = DEFAULT_ICAO_POLICY): Record<IcaoCheck, IcaoPolicy> | null {
  if (word === undefined || word === '') return base;
  if (word !== 'warn' && word !== 'reject' && word !== 'off') return null;
  return Object.fromEntries(ICAO_CHECKS.map((c) => [c, word])) as Record<IcaoCheck, IcaoPolicy>;
}

/** Every check that is not off, with its measured value; `rejected` names the failures whose policy rejects. */
export function icaoChecks(q: QualityReport, policy = DEFAULT_ICAO_POLICY, l = ICAO_LIMITS): { checks: IcaoResult[]; rejected: IcaoCheck[] } {
  const f = (x: number, d = 2) => x.toFixed(d);
  const all: [IcaoCheck, boolean, string][] = [
    ['SINGLE_FACE', q.faces === 1, `${q.faces} face(s)`],
    ['FRONTAL_POSE', Math.abs(q.yaw) <= l.maxYaw && Math.abs(q.pitch) <= l.maxPitch && Math.abs(q.roll) <= l.maxRoll, `yaw ${f(q.yaw, 1)}°, pitch ${f(q.pitch, 1)}°, roll ${f(q.roll, 1)}°`],
    ['EYES_OPEN', q.eyeOpenness >= l.minEyeOpenness, `eye openness ${f(q.eyeOpenness)}`],
    ['LIGHTING', q.exposure >= l.minExposure && q.exposure <= l.maxExposure && q.clipped <= l.maxClipped, `face luma ${f(q.exposure, 0)}, clipped ${f(q.clipped)}`],
    ['NO_GLASSES_GLARE', q.eyeGlare <= l.maxEyeGlare, `glare around the eyes ${f(q.eyeGlare, 3)}`],
    ['RESOLUTION', q.interEyePx >= l.minInterEyePx, `${f(q.interEyePx, 0)} px between the eyes`],
    ['SHARPNESS', q.sharpness >= l.minSharpness, `sharpness ${f(q.sharpness, 0)}`],
    ['UNIFORM_BACKGROUND', q.backgroundStd <= l.maxBackgroundStd, `background luma spread ${f(q.backgroundStd, 0)}`],
    ['CENTRED', q.centreOffset <= l.maxCentreOffset && q.eyeLine >= l.minEyeLine && q.eyeLine <= l.maxEyeLine, `off-centre ${f(q.centreOffset)}, eye line ${f(q.eyeLine)}`],
  ];
  const checks = all.filter(([c]) => policy[c] !== 'off').map(([check, passed, value]) => ({ check, passed, value, policy: policy[check] }));
  return { checks, rejected: checks.filter((c) => !c.passed && c.policy === 'reject').map((c) => c.check) };
}
