import { describe, expect, it } from 'vitest';
import type { CaptureClaims, Challenge } from '../../protocol/index.ts';
import { behaviourAlert, fromIdentify, fromVerify, holdsEnrolment, livenessGate, registrationDuplicate, riskReasons } from './decide.ts';

const challenge: Challenge = { oval: { cx: 0.5, cy: 0.5, w: 0.5, h: 0.6 }, approach: { minScaleGain: 1.3 } };
const vr = (score: number) => ({ similarity: 0, score, band: 'ignored', identity: 'ignored' });

describe('decide', () => {
  it('liveness below the threshold retries, at or above passes', () => {
    expect(livenessGate(49, 50, [], [])).toMatchObject({ kind: 'retry', code: 'FACE_NOT_LIVE' });
    expect(livenessGate(50, 50, [], [])).toBeNull();
  });

  it.each([
    [80, 'final', 3, 200, 'YES'],
    [50, 'final', 3, 200, 'YES'],
    [20, 'final', 2, undefined, 'INCONCLUSIVE'],
    [0, 'retry', undefined, undefined, 'INCONCLUSIVE'],
    [-20, 'final', 2, undefined, 'INCONCLUSIVE'],
    [-40, 'final', 3, undefined, 'NO'],
  ])('1:1 score %i → %s status %s response %s identity %s (bands from the score, not the matcher)', (score, kind, status, response, identity) => {
    const o = fromVerify(90, vr(score), []);
    expect(o.kind).toBe(kind);
    if (o.kind === 'final') expect(o.status).toBe(status);
    expect(o.summary.response).toBe(response);
    expect(o.summary.match?.identity).toBe(identity);
  });

  it('a virtual camera turns an approval into review, never the reverse', () => {
    expect(fromVerify(90, vr(90), ['CAMERA_VIRTUAL'])).toMatchObject({ kind: 'final', status: 2 });
    expect(fromVerify(90, vr(-90), ['CAMERA_VIRTUAL'])).toMatchObject({ kind: 'final', status: 3 });
  });

  it('1:N: approve / review / no match; registration dedupe', () => {
    expect(fromIdentify(90, { candidates: [{ id: 'a', similarity: 1, score: 70 }], coverage: 1 }, [])).toMatchObject({ status: 3, summary: { response: 200, candidates: [{ id: 'a', score: 70 }] } });
    expect(fromIdentify(90, { candidates: [{ id: 'a', similarity: 1, score: 10 }], coverage: 1 }, [])).toMatchObject({ status: 2 });
    expect(fromIdentify(90, { candidates: [{ id: 'a', similarity: 1, score: -10 }], coverage: 1 }, [])).toMatchObject({ kind: 'retry', code: 'NO_MATCH' });
    expect(registrationDuplicate(90, { candidates: [{ id: 'b', similarity: 1, score: 60 }], coverage: 1 }, 'a', [])?.summary.reasons[0]).toBe('DUPLICATE_IDENTITY');
    expect(registrationDuplicate(90, { candidates: [{ id: 'b', similarity: 1, score: 40 }], coverage: 1 }, 'a', [])).toBeNull();
  });

  it('a duplicate of another identity gives no identity answer, only the behaviour alert', () => {
    const d = registrationDuplicate(90, { candidates: [{ id: 'b', similarity: 1, score: 60 }], coverage: 1 }, 'a', [])!;
    expect(d.summary.match).toBeUndefined();
    expect(d.summary.behaviourAlert).toBe('YES');
  });

  it('behaviour alert: YES when the face is enrolled under another identity (two identities for 1:N)', () => {
    const c = (id: string, score: number) => ({ id, score });
    expect(behaviourAlert([], 'a')).toBe('INCONCLUSIVE');
    expect(behaviourAlert([c('a', 90)], 'a')).toBe('INCONCLUSIVE');
    expect(behaviourAlert([c('a', 90), c('b', 49)], 'a')).toBe('INCONCLUSIVE');
    expect(behaviourAlert([c('a', 90), c('b', 50)], 'a')).toBe('YES');
    expect(behaviourAlert([c('b', 70)], 'a')).toBe('YES');
    expect(behaviourAlert([c('a', 90)], null)).toBe('INCONCLUSIVE');
    expect(behaviourAlert([c('a', 90), c('b', 60)], null)).toBe('YES');
  });

  it('client signals become risk reasons', () => {
    const claims = {
      camera: { virtual: true, nonCamera: false, timingAnomaly: true },
      checks: { phone: { pass: false, value: 1 }, face: { pass: true, value: 1 } },
      approach: { scaleGain: 1.1, ratioChange: 0 },
    } as unknown as CaptureClaims;
    expect(riskReasons(claims, challenge)).toEqual(['CAMERA_VIRTUAL', 'CAMERA_TIMING_ANOMALY', 'CLIENT_PHONE_FAIL', 'APPROACH_INSUFFICIENT']);
  });
});

describe('per-integrator review-on-risk policy', () => {
  const approve = { similarity: 0.99, score: 90, band: 'APPROVE', identity: 'YES' };
  it('sends an approval with a blocking camera risk to review by default', () => {
    const o = fromVerify(90, approve, ['CAMERA_NON_CAMERA']);
    expect(o.kind === 'final' && o.status).toBe(2);
  });
  it('records but does not block the risks an integrator does not list', () => {
    const o = fromVerify(90, approve, ['CAMERA_NON_CAMERA'], false, ['CAMERA_VIRTUAL']);
    expect(o.kind === 'final' && o.status).toBe(3);
    expect(o.summary.reasons).toContain('CAMERA_NON_CAMERA');
    expect(holdsEnrolment(['CAMERA_NON_CAMERA'], ['CAMERA_VIRTUAL'])).toBe(false);
    expect(holdsEnrolment(['CAMERA_VIRTUAL'], ['CAMERA_VIRTUAL'])).toBe(true);
  });
});
