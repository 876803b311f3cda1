import { clampLiveness, type CaptureClaims, type Operation } from '../../protocol/index.ts';
import { MatcherRejection, type MatcherClient } from '../matcher/client.ts';
import { fromIdentify, fromVerify, holdsEnrolment, livenessGate, registered, registrationDuplicate, type Outcome } from './decide.ts';

/** Matcher rejections that mean "this capture was unusable, try another" rather than "this session failed". */
const RETRYABLE = new Set(['NO_FACE', 'MULTIPLE_FACES', 'IMAGE_UNDECODABLE']);

/** The frame the matcher compares: the one marked `best`, else `near`, else the first. */
export function bestFrameIndex(claims: CaptureClaims): number {
  const by = (role: string) => claims.evidence.findIndex((e) => e.role === role);
  const i = by('best');
  if (i >= 0) return i;
  const j = by('near');
  return j >= 0 ? j : 0;
}

/**
 * Runs the server-side checks for one capture: presentation-attack check on every frame, then
 * the operation's 1:1 / 1:N / enrolment calls. Temporary matcher failures propagate as
 * KitError('UPSTREAM_UNAVAILABLE') so the caller can give the attempt back.
 */
export async function runBiometry(args: {
  matcher: MatcherClient;
  op: Operation;
  subject: string;
  claims: CaptureClaims;
  frames: Uint8Array[];
  risk: string[];
  livenessThreshold: number;
  identifyMaxResults: number;
  /** risk reasons that send an otherwise approved capture to review */
  reviewOnRisk: readonly string[];
}): Promise<Outcome> {
  const { matcher, op, subject, claims, frames, risk, reviewOnRisk } = args;
  let liveness = 0;
  try {
    const lr = await matcher.liveness(frames, claims.evidence.map((e) => e.role), claims.evidence.map((e) => e.t));
    liveness = clampLiveness(lr.liveness);
    const gate = livenessGate(liveness, args.livenessThreshold, lr.reasons.slice(0, 16), risk);
    if (gate) return gate;
    const best = frames[bestFrameIndex(claims)];
    switch (op) {
      case 'VERIFICATION':
        return fromVerify(liveness, await matcher.verify(subject, best), risk, false, reviewOnRisk);
      case 'IMAGE_UPDATE': {
        const o = fromVerify(liveness, await matcher.verify(subject, best), risk, true, reviewOnRisk);
        if (o.kind === 'final' && o.status === 3 && o.summary.response === 201) await matcher.enrol(subject, best);
        return o;
      }
      case 'REGISTRATION': {
        const dup = registrationDuplicate(liveness, await matcher.identify(best, args.identifyMaxResults), subject, risk);
        if (dup) return dup;
        if (holdsEnrolment(risk, reviewOnRisk)) {
          return { kind: 'final', status: 2, summary: { liveness, hasBiometry: true, reasons: ['ENROLMENT_HELD', ...risk] } };
        }
        await matcher.enrol(subject, best);
        return registered(liveness, risk);
      }
      case 'IDENTIFICATION':
        return fromIdentify(liveness, await matcher.identify(best, args.identifyMaxResults), risk, reviewOnRisk);
    }
  } catch (e) {
    if (!(e instanceof MatcherRejection)) throw e;
    if (RETRYABLE.has(e.code)) return { kind: 'retry', code: e.code, summary: { liveness, hasBiometry: true, reasons: [e.code, ...risk] } };
    return { kind: 'final', status: 5, summary: { liveness, hasBiometry: true, reasons: [e.code, ...risk] } };
  }
}
