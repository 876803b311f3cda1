import {
  bandOf, clampLiveness, identityOf, type BehaviourAlert, type CaptureClaims, type Challenge, type ErrorCode, type IdentifyResult,
  type VerdictClaims, type VerifyResult,
} from '../../protocol/index.ts';
import type { VerdictSummary } from '../store/types.ts';

/** What one capture attempt led to: a session-ending result, or a retry with a reason code. */
export type Outcome =
  | { kind: 'final'; status: 2 | 3 | 5; summary: VerdictSummary }
  | { kind: 'retry'; code: ErrorCode; summary: VerdictSummary };

/**
 * Client-side results become risk reasons only: they are recorded, can push an approval to
 * review, and never raise a score.
 */
export function riskReasons(claims: CaptureClaims, challenge: Challenge): string[] {
  const out: string[] = [];
  if (claims.camera.virtual) out.push('CAMERA_VIRTUAL');
  if (claims.camera.nonCamera) out.push('CAMERA_NON_CAMERA');
  if (claims.camera.timingAnomaly) out.push('CAMERA_TIMING_ANOMALY');
  for (const [name, r] of Object.entries(claims.checks)) if (r && !r.pass) out.push(`CLIENT_${name.toUpperCase()}_FAIL`);
  if (claims.approach && claims.approach.scaleGain < challenge.approach.minScaleGain) out.push('APPROACH_INSUFFICIENT');
  return out;
}

/** Risk reasons that, by default, forbid an automatic approval (a person looks at it instead). */
export const DEFAULT_REVIEW_ON_RISK: readonly string[] = ['CAMERA_VIRTUAL', 'CAMERA_NON_CAMERA'];

function blocks(risk: string[], reviewOn: readonly string[]): boolean {
  return risk.some((x) => reviewOn.includes(x));
}

function match(score: number): NonNullable<VerdictClaims['match']> {
  const s = Math.max(-100, Math.min(100, Math.round(score)));
  const band = bandOf(s);
  return { score: s, band, identity: identityOf(band) };
}

/** Liveness gate: the server's score against the configured threshold decides. */
export function livenessGate(liveness: number, threshold: number, serverReasons: string[], risk: string[]): Outcome | null {
  const l = clampLiveness(liveness);
  if (l >= threshold) return null;
  return { kind: 'retry', code: 'FACE_NOT_LIVE', summary: { liveness: l, hasBiometry: true, reasons: ['FACE_NOT_LIVE', ...serverReasons, ...risk] } };
}

/** 1:1 (VERIFICATION, and the first half of IMAGE_UPDATE). `enrolled` marks an IMAGE_UPDATE that stored the image. */
export function fromVerify(liveness: number, r: VerifyResult, risk: string[], enrolled = false, reviewOn = DEFAULT_REVIEW_ON_RISK): Outcome {
  const m = match(r.score);
  const base = { liveness: clampLiveness(liveness), match: m, hasBiometry: true, reasons: [...risk] };
  if (m.band === 'RECAPTURE') return { kind: 'retry', code: 'RECAPTURE_NEEDED', summary: { ...base, reasons: ['RECAPTURE_NEEDED', ...risk] } };
  if (m.band === 'DENY') return { kind: 'final', status: 3, summary: base };
  if (m.band === 'APPROVE') {
    if (blocks(risk, reviewOn)) return { kind: 'final', status: 2, summary: base };
    return { kind: 'final', status: 3, summary: { ...base, response: enrolled ? 201 : 200 } };
  }
  return { kind: 'final', status: 2, summary: base };
}

/** 1:N identification: approve on a candidate ≥ +50, review on +1…+49, otherwise retry (no match). */
export function fromIdentify(liveness: number, r: IdentifyResult, risk: string[], reviewOn = DEFAULT_REVIEW_ON_RISK): Outcome {
  const sorted = [...r.candidates].sort((a, b) => b.score - a.score);
  const top = sorted[0];
  const l = clampLiveness(liveness);
  if (!top || Math.round(top.score) < 1) {
    return { kind: 'retry', code: 'NO_MATCH', summary: { liveness: l, hasBiometry: true, reasons: ['NO_MATCH', ...risk] } };
  }
  const m = match(top.score);
  const candidates = sorted.filter((c) => Math.round(c.score) >= 1).slice(0, 20).map((c) => ({ id: c.id, score: Math.round(c.score) }));
  const base = { liveness: l, match: m, candidates, hasBiometry: true, reasons: [...risk] };
  if (m.band === 'APPROVE' && !blocks(risk, reviewOn)) return { kind: 'final', status: 3, summary: { ...base, response: 200 } };
  return { kind: 'final', status: 2, summary: base };
}

/**
 * The behaviour alert: is this face enrolled under another identity of the integrator? `candidates`
 * are the integrator's own 1:N hits (subjects). For IDENTIFICATION (no claimed subject) two
 * identities at +50 or more are that; otherwise one at +50 or more that is not `subject`.
 */
export function behaviourAlert(candidates: { id: string; score: number }[], subject: string | null): BehaviourAlert {
  const strong = candidates.filter((c) => Math.round(c.score) >= 50);
  if (subject === null) return new Set(strong.map((c) => c.id)).size >= 2 ? 'YES' : 'INCONCLUSIVE';
  return strong.some((c) => c.id !== subject) ? 'YES' : 'INCONCLUSIVE';
}

/** Registration dedupe: a strong existing match means a person must look before enrolling. */
export function registrationDuplicate(liveness: number, r: IdentifyResult, subject: string, risk: string[]): Outcome | null {
  const dup = r.candidates.filter((c) => Math.round(c.score) >= 50).sort((a, b) => b.score - a.score);
  if (!dup.length) return null;
  const reason = dup[0].id === subject ? 'ALREADY_REGISTERED' : 'DUPLICATE_IDENTITY';
  return {
    kind: 'final',
    status: 2,
    summary: {
      liveness: clampLiveness(liveness),
      // the face matched someone else: that is no identity answer for this subject (behaviour alert YES instead)
      ...(reason === 'ALREADY_REGISTERED' ? { match: match(dup[0].score) } : { behaviourAlert: 'YES' as const }),
      candidates: dup.slice(0, 20).map((c) => ({ id: c.id, score: Math.round(c.score) })),
      hasBiometry: true,
      reasons: [reason, ...risk],
    },
  };
}

/** After enrolment: registered (response 201). */
export function registered(liveness: number, risk: string[]): Outcome {
  return { kind: 'final', status: 3, summary: { liveness: clampLiveness(liveness), hasBiometry: true, response: 201, reasons: [...risk] } };
}

/** True when a risk signal forbids storing a face without a person looking first. */
export function holdsEnrolment(risk: string[], reviewOn = DEFAULT_REVIEW_ON_RISK): boolean {
  return blocks(risk, reviewOn);
}

/** The score a capture accepted without biometry gets: the first-registration score (+10, band REVIEW_POSITIVE). */
export const MANAGER_MODE_SCORE = 10;

/**
 * Manager mode: after the integrator's number of attempts in which the server found no face, the
 * next capture is accepted without biometry: status 3, `hasBiometry: false`, score +10, identity
 * never YES (INCONCLUSIVE), and the verdict says MANAGER_MODE. No match was made, so no
 * `response` (it is not a recognition or a registration) and nothing is enrolled.
 */
export function managerMode(risk: string[]): Outcome {
  const band = bandOf(MANAGER_MODE_SCORE);
  return {
    kind: 'final',
    status: 3,
    summary: { liveness: 0, match: { score: MANAGER_MODE_SCORE, band, identity: 'INCONCLUSIVE' }, hasBiometry: false, reasons: ['MANAGER_MODE', ...risk] },
  };
}
