import { KitError, type CaptureResponse, type CaptureUpload, type Operation } from '../../protocol/index.ts';
import type { CaptureOutcome } from '../metrics/observer.ts';
import { checkEvidenceDimensions } from '../evidence/dimensions.ts';
import { verifyEvidenceHashes } from '../evidence/verify-hashes.ts';
import { randomId } from '../random.ts';
import type { Services } from '../services.ts';
import { verifyCaptureToken } from '../tokens/verify-capture.ts';
import { verifySessionToken } from '../tokens/verify-session.ts';
import { captureKeyThumbprint } from '../tokens/capture-key.ts';
import { runBiometry } from './biometry.ts';
import type { Integrator } from '../config.ts';
import type { VerdictSummary } from '../store/types.ts';
import { mintVerdict, personEvent, webhookEvent } from './conclude.ts';
import { managerMode, riskReasons, type Outcome } from './decide.ts';
import { newCode } from './one-time-code.ts';

/**
 * The suspicious-score webhook: a subject's identity score changing sign (positive ↔ negative)
 * between two 1:1 verdicts is reported to the integrator. true when an event was queued.
 */
async function noteScore(s: Services, integrator: Integrator, op: string, subject: string, summary: VerdictSummary, now: number): Promise<boolean> {
  if ((op !== 'VERIFICATION' && op !== 'IMAGE_UPDATE') || !summary.match) return false;
  const score = Math.round(summary.match.score);
  if (score === 0) return false;
  const prev = await s.store.noteScoreSign(integrator.id, subject, score > 0 ? 1 : -1, now);
  if (prev === null) return false;
  const e = personEvent(integrator, subject, prev > 0 ? 'SCORE_POSITIVE_TO_NEGATIVE' : 'SCORE_NEGATIVE_TO_POSITIVE', now);
  if (!e) return false;
  await s.store.enqueueEvent(integrator.id, `person:${subject}:${e.id}`, e, now);
  return true;
}

/**
 * One capture attempt, in order: session token → origin → capture token (PoP) → session binding →
 * evidence hashes → atomic nonce claim → matcher → verdict. Everything that can be checked
 * without state is checked before the claim, so a bad upload never burns the nonce.
 *
 * Atomicity with the matcher: the claim consumes the nonce, counts the attempt, records every
 * evidence frame's hash (a frame seen before, in any session, is EVIDENCE_REPLAYED) and binds the
 * capture key to the session, in one transaction (a concurrent duplicate gets NONCE_REUSED). If
 * the matcher is temporarily unavailable the first time, the claim is released (nonce, attempt
 * and hashes restored) and the client retries the same capture; later upstream failures count as
 * failed attempts, so a flaky upstream is no free oracle. If the process dies between claim and
 * release, the nonce stays consumed: the client then needs a new session (fail closed).
 */
export async function processCapture(
  s: Services,
  upload: CaptureUpload,
  origin: string | undefined,
): Promise<CaptureResponse> {
  const now = s.now();
  const session = await verifySessionToken(s.keys, upload.session, { issuer: s.config.issuer, now });
  const integrator = await s.integrators.get(session.azp);
  if (!integrator) throw new KitError('SESSION_TOKEN_INVALID', 'unknown integrator');
  if (origin !== undefined && !session.origins.includes(origin)) throw new KitError('ORIGIN_NOT_ALLOWED', 'origin not allowed for this session');
  s.limits.session.take('sid:' + session.sid);

  const claims = await verifyCaptureToken(upload.token, { audience: s.config.issuer, now });
  if (claims.sid !== session.sid) throw new KitError('CAPTURE_TOKEN_INVALID', 'capture is for another session');
  await verifyEvidenceHashes(claims.evidence, upload.frames);
  checkEvidenceDimensions(claims.evidence, upload.frames, s.config.maxFramePixels);
  const keyThumb = await captureKeyThumbprint(upload.token);

  const claim = await s.store.claimAttempt(session.sid, claims.nonce, now, { frames: claims.evidence.map((e) => e.sha256), keyThumb });
  if (!claim.ok) throw new KitError(claim.code);

  const risk = riskReasons(claims, session.challenge);
  const livenessThreshold = integrator.liveness.threshold ?? s.config.livenessThreshold;
  let outcome: Outcome;
  try {
    outcome =
      // manager mode counts only attempts in which the server found no face: a liveness or
      // identity failure never leads to a capture accepted without biometry
      integrator.managerModeAfter > 0 && claim.noFaceBefore >= integrator.managerModeAfter
        ? managerMode(risk)
        : await runBiometry({
            matcher: s.matcher,
            op: session.op,
            integrator: integrator.id,
            subject: session.sub,
            claims,
            challenge: session.challenge,
            frames: upload.frames,
            risk,
            livenessThreshold,
            identifyMaxResults: s.config.identifyMaxResults,
            reviewOnRisk: integrator.reviewOnRisk,
            watchlists: integrator.watchlists,
            qualityPolicy: integrator.qualityPolicy,
          });
  } catch (e) {
    const err = e instanceof KitError ? e : new KitError('INTERNAL', 'capture processing failed');
    // the first upstream failure of a session gives the attempt back; later ones are counted
    if (await s.store.releaseAttempt(session.sid, claims.nonce, s.now())) throw err;
    outcome = { kind: 'retry', code: err.code, summary: { liveness: 0, hasBiometry: true, reasons: [err.code, ...risk] } };
  }

  const maxAttempts = integrator.maxAttempts;
  if (outcome.kind === 'retry' && claim.attempt < maxAttempts) {
    const nonce = randomId(32);
    if (!(await s.store.retryAttempt(session.sid, claims.nonce, nonce, outcome.summary, s.now(), outcome.code === 'NO_FACE'))) throw new KitError('SESSION_USED');
    s.observer.capture(observed(session.op, 'retry', outcome.summary, livenessThreshold));
    return { sessionId: session.sid, status: 1, retry: { nonce, attemptsLeft: maxAttempts - claim.attempt, code: outcome.code } };
  }
  const status = outcome.kind === 'retry' ? 5 : outcome.status;
  const base = outcome.kind === 'retry' ? { ...outcome.summary, reasons: [...outcome.summary.reasons, 'ATTEMPTS_EXCEEDED'] } : outcome.summary;
  // an IMAGE_UPDATE's verdict carries the justification it was created with
  const message = session.op === 'IMAGE_UPDATE' ? (await s.store.getSession(session.sid))?.meta.message : undefined;
  const summary = message ? { ...base, message } : base;
  let verdict: string;
  try {
    verdict = await mintVerdict(s, { integrator, sid: session.sid, sub: session.sub, op: session.op, status, summary });
  } catch (e) {
    // no verdict could be signed (e.g. no active key): give the attempt back rather than lose it
    await s.store.releaseAttempt(session.sid, claims.nonce, s.now());
    throw e instanceof KitError ? e : new KitError('INTERNAL', 'verdict signing failed');
  }
  // a concluded session (2 review / 3 completed) gets a one-time code for the redirect integration,
  // recorded in the same transaction as the transition; only its hash is stored
  const finishedAt = s.now();
  const code = status === 2 || status === 3 ? await newCode(finishedAt, s.config.codeTtlS) : undefined;
  const event = webhookEvent(integrator, session.sid, status, verdict, summary.alerts);
  const done = await s.store.finalize(
    session.sid,
    claims.nonce,
    { status, summary, verdict, ...(status === 2 ? { evidence: upload.frames } : {}), ...(code ? { code: code.stored } : {}), ...(event ? { event } : {}) },
    finishedAt,
  );
  if (!done) throw new KitError('SESSION_USED');
  s.observer.capture(observed(session.op, status, summary, livenessThreshold));
  const flipped = await noteScore(s, integrator, session.op, session.sub, summary, finishedAt);
  if (event || flipped) s.kickOutbox();
  return {
    sessionId: session.sid,
    status,
    verdict,
    ...(summary.response ? { response: summary.response } : {}),
    ...(code ? { code: code.code } : {}),
  };
}

/** What the metrics count of a processed capture: status, reason codes, band, liveness pass. */
function observed(op: Operation, status: CaptureOutcome['status'], summary: VerdictSummary, threshold: number): CaptureOutcome {
  return {
    op,
    status,
    reasons: summary.reasons,
    ...(summary.match ? { band: summary.match.band } : {}),
    ...(summary.hasBiometry && !summary.reasons.includes('MANAGER_MODE') ? { live: summary.liveness >= threshold } : {}),
  };
}
