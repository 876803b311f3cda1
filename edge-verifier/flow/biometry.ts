import { clampLiveness, type CaptureClaims, type Challenge, type Operation, type WatchlistAlert } from '../../protocol/index.ts';
import { MatcherRejection, type MatcherClient } from '../matcher/client.ts';
import { behaviourAlert, fromIdentify, fromVerify, holdsEnrolment, livenessGate, registered, registrationDuplicate, type Outcome } from './decide.ts';
import { galleryOf, personIdOf, subjectOf, watchEntryOf, watchGalleryOf } from './namespace.ts';

/** Matcher rejections that mean "this capture was unusable, try another" rather than "this session failed". */
const RETRYABLE = new Set(['NO_FACE', 'MULTIPLE_FACES', 'IMAGE_UNDECODABLE', 'QUALITY_REJECTED']);

/** The integrator's watch-lists against the matched frame: one 1:N per list, hits at or above its minimum score. */
async function screenWatchlists(matcher: MatcherClient, best: Uint8Array, integrator: string, lists: readonly { name: string; minScore: number }[]): Promise<WatchlistAlert[]> {
  const out: WatchlistAlert[] = [];
  for (const l of lists) {
    const r = await matcher.identify(best, 3, watchGalleryOf(integrator, l.name));
    for (const c of r.candidates) {
      const entry = watchEntryOf(integrator, l.name, c.id);
      if (entry !== null && Math.round(c.score) >= l.minScore) out.push({ type: 'WATCHLIST_HIT', list: l.name, entry, score: Math.round(c.score) });
    }
  }
  return out;
}

/**
 * Runs the server-side checks for one capture: the matcher's PAD over every frame (which also
 * measures the session's challenge, embeds every face frame and chooses the frame to match), then
 * the operation's 1:1 / 1:N / enrolment calls on that frame, inside the integrator's namespace.
 * Temporary matcher failures propagate as KitError('UPSTREAM_UNAVAILABLE').
 */
export async function runBiometry(args: {
  matcher: MatcherClient;
  op: Operation;
  /** integrator id: the namespace of person ids and the gallery */
  integrator: string;
  subject: string;
  claims: CaptureClaims;
  challenge: Challenge;
  frames: Uint8Array[];
  risk: string[];
  livenessThreshold: number;
  identifyMaxResults: number;
  /** risk reasons that send an otherwise approved capture to review */
  reviewOnRisk: readonly string[];
  /** the integrator's watch-lists (screened on every capture) */
  watchlists?: readonly { name: string; minScore: number }[];
  /** the integrator's ICAO policy for what it enrols */
  qualityPolicy?: 'warn' | 'reject' | 'off';
}): Promise<Outcome> {
  const { matcher, op, claims, frames, risk, reviewOnRisk } = args;
  const person = personIdOf(args.integrator, args.subject);
  const gallery = galleryOf(args.integrator);
  let liveness = 0;
  let bestFrame: number | undefined;
  const summaryOf = (reasons: string[]) => ({ liveness, hasBiometry: true, reasons, ...(bestFrame !== undefined ? { bestFrame } : {}) });
  try {
    const lr = await matcher.liveness(frames, claims.evidence.map((e) => e.role), claims.evidence.map((e) => e.t), args.challenge);
    liveness = clampLiveness(lr.liveness);
    const serverReasons = lr.reasons.slice(0, 16);
    if (lr.bestFrame < 0 || lr.bestFrame >= frames.length) return { kind: 'retry', code: 'NO_FACE', summary: summaryOf(['NO_FACE', ...serverReasons, ...risk]) };
    bestFrame = lr.bestFrame;
    // one person across the evidence, and the challenge this session asked for, before any match
    if (!lr.sameSubject) {
      // the matcher says which: someone else in a frame (no liveness for anyone), or a person who
      // kept turned away (asked to look at the camera); anything else counts as a mismatch
      const turnedAway = serverReasons.includes('FACE_NOT_FRONTAL') && !serverReasons.includes('IDENTITY_MISMATCH');
      const code = turnedAway ? 'FACE_NOT_FRONTAL' : 'IDENTITY_MISMATCH';
      const summary = summaryOf([code, ...serverReasons.filter((x) => x !== code), ...risk]);
      return { kind: 'retry', code, summary: turnedAway ? summary : { ...summary, liveness: 0 } };
    }
    if (!lr.challengeMet) return { kind: 'retry', code: 'CHALLENGE_NOT_MET', summary: summaryOf(['CHALLENGE_NOT_MET', ...serverReasons, ...risk]) };
    const gate = livenessGate(liveness, args.livenessThreshold, serverReasons, risk);
    if (gate) return gate;
    const best = frames[bestFrame];
    const withBest = (o: Outcome): Outcome => ({ ...o, summary: { ...o.summary, bestFrame } });
    // watch-lists first, whatever the operation: a hit goes to a person, and nothing is enrolled
    const alerts = await screenWatchlists(matcher, best, args.integrator, args.watchlists ?? []);
    if (alerts.length) return withBest({ kind: 'final', status: 2, summary: { ...summaryOf(['WATCHLIST_HIT', ...risk]), alerts } });
    // the integrator's own 1:N: the behaviour alert on every operation (and the answer of 1:N and the dedupe of registration)
    const ownHits = async () => own(await matcher.identify(best, args.identifyMaxResults, gallery), args.integrator);
    const alerted = (o: Outcome, hits: { id: string; score: number }[], subject: string | null): Outcome =>
      withBest({ ...o, summary: { ...o.summary, behaviourAlert: o.summary.behaviourAlert ?? behaviourAlert(hits, subject) } });
    switch (op) {
      case 'VERIFICATION': {
        const [vr, hits] = await Promise.all([matcher.verify(person, best), ownHits()]);
        return alerted(fromVerify(liveness, vr, risk, false, reviewOnRisk), hits.candidates, args.subject);
      }
      case 'IMAGE_UPDATE': {
        const [vr, hits] = await Promise.all([matcher.verify(person, best), ownHits()]);
        const o = fromVerify(liveness, vr, risk, true, reviewOnRisk);
        if (o.kind === 'final' && o.status === 3 && o.summary.response === 201) await matcher.enrol(person, best, gallery, args.qualityPolicy);
        return alerted(o, hits.candidates, args.subject);
      }
      case 'REGISTRATION': {
        // registration never replaces a reference: that is IMAGE_UPDATE's job (with its 1:1 check)
        if (await matcher.exists(person)) return { kind: 'final', status: 5, summary: summaryOf(['SUBJECT_EXISTS', ...risk]) };
        const hits = await ownHits();
        const dup = registrationDuplicate(liveness, hits, args.subject, risk);
        if (dup) return alerted(dup, hits.candidates, args.subject);
        if (holdsEnrolment(risk, reviewOnRisk)) return alerted({ kind: 'final', status: 2, summary: summaryOf(['ENROLMENT_HELD', ...risk]) }, hits.candidates, args.subject);
        await matcher.enrol(person, best, gallery, args.qualityPolicy);
        return alerted(registered(liveness, risk), hits.candidates, args.subject);
      }
      case 'IDENTIFICATION': {
        const hits = await ownHits();
        return alerted(fromIdentify(liveness, hits, risk, reviewOnRisk), hits.candidates, null);
      }
    }
  } catch (e) {
    if (!(e instanceof MatcherRejection)) throw e;
    if (RETRYABLE.has(e.code)) return { kind: 'retry', code: e.code, summary: summaryOf([e.code, ...risk]) };
    return { kind: 'final', status: 5, summary: summaryOf([e.code, ...risk]) };
  }
}

/** Candidates of this integrator only, as its own subject ids (anything else is dropped, never shown). */
function own<T extends { candidates: { id: string }[] }>(r: T, integrator: string): T {
  const candidates = r.candidates.flatMap((c) => {
    const sub = subjectOf(integrator, c.id);
    return sub === null ? [] : [{ ...c, id: sub }];
  });
  return { ...r, candidates };
}
