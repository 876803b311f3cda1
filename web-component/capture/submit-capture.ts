/**
 * One capture's way to the verifier: hash each evidence frame, sign the capture token (nonce,
 * hashes in upload order, device checks, camera signals, approach) with the session's
 * proof-of-possession key, upload token + frames, classify the answer. No state: the controller
 * keeps the key per session and decides what a retry means.
 */
import type { CameraSignals, CheckName, CheckResult, Evidence } from '../../protocol/index.ts';
import type { PopKey } from './pop-key.ts';
import { sha256B64url } from './sha256.ts';
import { signCaptureToken } from './sign-capture.ts';
import { uploadCapture, type UploadOutcome } from './upload.ts';

export interface SubmitFrame {
  bytes: Uint8Array;
  w: number;
  h: number;
  t: number;
  evidenceRole: Evidence['role'];
}

export interface SubmitInput {
  verifier: string;
  /** the session token, sent as is (the verifier verifies it) */
  session: string;
  /** the session's issuer (the capture token's audience) and id */
  audience: string;
  sid: string;
  nonce: string;
  frames: readonly SubmitFrame[];
  checks: Partial<Record<CheckName, CheckResult>>;
  camera: CameraSignals;
  approach: { scaleGain: number; ratioChange: number };
  key: PopKey;
  signal?: AbortSignal;
}

export async function submitCapture(i: SubmitInput): Promise<UploadOutcome> {
  const evidence: Evidence[] = [];
  for (const f of i.frames) evidence.push({ role: f.evidenceRole, sha256: await sha256B64url(f.bytes), w: f.w, h: f.h, t: f.t });
  const token = await signCaptureToken(i.key, {
    audience: i.audience,
    sid: i.sid,
    nonce: i.nonce,
    evidence,
    checks: i.checks,
    camera: i.camera,
    approach: i.approach,
  });
  return uploadCapture(i.verifier, { token, session: i.session, frames: i.frames.map((f) => f.bytes) }, { signal: i.signal });
}
