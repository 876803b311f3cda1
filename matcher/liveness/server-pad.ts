/**
 * The server's presentation-attack decision for POST /liveness: the trained multi-signal PAD
 * (vision/pad, `padFromFrames`, docs/pad-model-card.md) over the evidence frames as submitted.
 * Landmarks come from the matcher's own BlazeFace + FaceMesh, screen-like objects from its own
 * CenterNet on the frame the server matches; nothing the client computed is read. `roles`/`t`
 * only say which submitted frame is which (the approach pair must still show the face growing).
 *
 * Liveness is bound to identity: every face frame is embedded, the server picks the frame to
 * match (`bestFrame`), and a frame of another person fails the capture (IDENTITY_MISMATCH). When
 * the session's challenge is sent, the oval, approach gain and turn are measured here too.
 */
import type { Challenge, LivenessResult } from '../../protocol/index.ts';
import { checkChallenge } from '../../vision/challenge.ts';
import { padFromFrames, type PadFrame, type PadResult } from '../../vision/pad/index.ts';
import type { DetectedObject } from '../../vision/types.ts';
import type { Extractor, FaceAnalysis } from '../extraction/extractor.ts';
import { chooseBestFrame } from './best-frame.ts';
import { sameSubject } from './same-subject.ts';

export interface ServerPadOptions {
  /** `live` also needs liveness ≥ this (0–100); the model's own operating point is 50 */
  threshold: number;
  /** run the COCO detector on the `best` frame for the screen-object context signal */
  objects: boolean;
}

/** Spacing assumed between frames when the request carries no usable timestamps (ms). */
const DEFAULT_FRAME_GAP_MS = 300;
const ROLES = new Set(['far', 'near', 'best', 'seq', 'turn']);

/**
 * Per-frame role and time: the declared ones when they are well formed (one per frame, known
 * roles, finite times), else every frame is a passive 'seq' frame in submission order.
 */
export function frameMeta(n: number, roles?: readonly string[], t?: readonly number[]): { role: string; t: number }[] {
  const rolesOk = roles?.length === n && roles.every((r) => ROLES.has(r));
  const tOk = t?.length === n && t.every((x) => Number.isFinite(x) && x >= 0 && x < 600_000);
  return Array.from({ length: n }, (_, i) => ({ role: rolesOk ? roles![i] : 'seq', t: tOk ? t![i] : i * DEFAULT_FRAME_GAP_MS }));
}

/** Flattens the PAD's signals to the wire's `signals{}` (finite numbers only, 4 decimals). */
export function padSignals(r: PadResult, extra: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) out[k] = Math.round(v * 1e4) / 1e4;
  };
  for (const [k, v] of Object.entries(extra)) put(k, v);
  for (const [k, v] of Object.entries(r.signals.features)) put(k, v);
  for (const [k, v] of Object.entries(r.signals.contributions)) put(`${k}LogOdds`, v);
  put('scaleGain', r.signals.scaleGain);
  put('alignedMax', r.signals.alignedMax);
  put('alignedSpread', r.signals.alignedSpread);
  put('screenObject', r.signals.screenObject);
  return out;
}

/** Scores the submitted evidence frames (JPEG/PNG bytes). */
export async function scoreLiveness(
  extractor: Extractor,
  body: { frames: Uint8Array[]; roles?: string[]; t?: number[]; challenge?: Challenge },
  o: ServerPadOptions,
): Promise<LivenessResult> {
  const t0 = performance.now();
  const meta = frameMeta(body.frames.length, body.roles, body.t);
  const analyses: FaceAnalysis[] = [];
  for (const f of body.frames) analyses.push(await extractor.analyse(f));
  const tLandmarks = performance.now() - t0;

  // every face frame is embedded: the match and the PAD must be about the same person
  const e0 = performance.now();
  const embeddings: (Float32Array | null)[] = [];
  // a face turned past the matcher's pose limits (quality issue POSE) is no one the embedder can tell
  const turned: boolean[] = [];
  for (const a of analyses) {
    const x = a.face && a.landmarks ? await extractor.embedAnalysis(a).catch(() => null) : null;
    embeddings.push(x?.embedding ?? null);
    turned.push(x?.quality.issues.includes('POSE') ?? false);
  }
  const tEmbed = performance.now() - e0;
  const bestFrame = chooseBestFrame(analyses.map((a, i) => ({ role: meta[i].role, box: a.face?.box ?? null, embedded: embeddings[i] !== null, turned: turned[i] })));
  // with no face frame (bestFrame −1) there is no reference: `same` is false, the PAD's NO_FACE decides.
  // Turned passive frames go unjudged; the approach pair never does (same-subject.ts)
  const passive = (i: number) => meta[i].role !== 'far' && meta[i].role !== 'near';
  const subject = sameSubject(embeddings, bestFrame, { exempt: turned.map((t, i) => t && passive(i)) });

  // texture and context signals are read on the frame the server matches: it becomes the `best`
  // frame, and a client-declared `best` elsewhere is one more passive frame
  const frames: PadFrame[] = analyses.map((a, i) => {
    const role = i === bestFrame ? 'best' : meta[i].role === 'best' ? 'seq' : meta[i].role;
    return { image: a.image, landmarks: a.landmarks ?? null, role, t: meta[i].t };
  });

  let objects: DetectedObject[] | undefined;
  let tObjects = 0;
  if (o.objects && bestFrame >= 0) {
    // one frame only (the detector is slow under load): the matched one
    const s = performance.now();
    objects = await extractor.detectObjects(frames[bestFrame].image);
    tObjects = performance.now() - s;
  }
  const s = performance.now();
  const r = padFromFrames(frames, objects);
  const tPad = performance.now() - s;

  const reasons: string[] = [...r.reasons];
  // informational: the PAD scores the largest face; a second face (a phone, a poster) is reported
  const multi = analyses.filter((a) => a.faces.length > 1).length;
  if (multi) reasons.push('MULTIPLE_FACES');
  // another person in a judged frame: IDENTITY_MISMATCH; most frames turned away (nobody else
  // seen, but too few frames to bind the identity to): FACE_NOT_FRONTAL, what the person must mend
  if (bestFrame >= 0 && !subject.same) reasons.unshift(subject.undetermined ? 'FACE_NOT_FRONTAL' : 'IDENTITY_MISMATCH');
  let challengeMet = true;
  if (body.challenge) {
    const ch = checkChallenge(
      // the turn counts only on a frame the one-person check judged (embedded, within the pose limits)
      analyses.map((a, i) => ({ role: meta[i].role, width: a.image.width, height: a.image.height, box: a.face?.box ?? null, points: a.landmarks?.points ?? null, judged: embeddings[i] !== null && !turned[i] })),
      body.challenge,
      r.signals.scaleGain,
    );
    challengeMet = ch.met;
    reasons.push(...ch.reasons);
  }
  const sameOk = bestFrame >= 0 && subject.same;
  const live = r.live && r.liveness >= o.threshold && sameOk && challengeMet;
  // a capture that shows two people carries no liveness for either of them (one whose identity is
  // undetermined keeps its score, and is still not live: sameSubject is false)
  const liveness = bestFrame >= 0 && !subject.same && !subject.undetermined ? 0 : r.liveness;
  const signals = padSignals(r, {
    frames: frames.length,
    faceFrames: frames.filter((f) => f.landmarks).length,
    embeddedFrames: embeddings.filter((e) => e).length,
    multiFaceFrames: multi,
    subjectMinCosine: subject.minCosine,
    subjectUnjudged: subject.unjudged.length,
    landmarksMs: tLandmarks,
    embedMs: tEmbed,
    objectsMs: tObjects,
    padMs: tPad,
  });
  return { liveness, live, reasons, signals, bestFrame, sameSubject: sameOk, challengeMet };
}
