/**
 * Signs the capture JWT (typ liveness-capture+jwt) with the ephemeral key; its public JWK travels
 * in the protected header (DPoP-like). It binds the session nonce, the evidence hashes in upload
 * order, the on-device check results and the camera signals.
 */
import { SignJWT } from 'jose';
import {
  ALG, CAPTURE_CLIENT_ID, CHECK_NAMES, MAX_CAPTURE_TTL_S, TYP,
  type CameraSignals, type CaptureClaims, type CheckName, type CheckResult, type Evidence,
} from '../../protocol/index.ts';
import type { PopKey } from './pop-key.ts';

export interface CaptureTokenInput {
  /** verifier issuer (the session token's `iss`): the capture token's audience */
  audience: string;
  sid: string;
  nonce: string;
  evidence: Evidence[];
  checks: Partial<Record<CheckName, CheckResult>>;
  camera: CameraSignals;
  approach?: { scaleGain: number; ratioChange: number };
  /** lifetime in seconds (default 60, at most MAX_CAPTURE_TTL_S) */
  ttlS?: number;
  /** unix seconds (default now) */
  now?: number;
}

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Keeps only protocol check names with finite numbers, so the token always passes the schema. */
function cleanChecks(checks: Partial<Record<CheckName, CheckResult>>): Partial<Record<CheckName, CheckResult>> {
  const out: Partial<Record<CheckName, CheckResult>> = {};
  for (const name of CHECK_NAMES) {
    const c = checks[name];
    if (!c) continue;
    out[name] = { pass: !!c.pass, value: Number.isFinite(c.value) ? c.value : 0, ...(c.code ? { code: String(c.code).slice(0, 64) } : {}) };
  }
  return out;
}

export async function signCaptureToken(key: PopKey, i: CaptureTokenInput): Promise<string> {
  const now = Math.floor(i.now ?? Date.now() / 1000);
  const ttl = Math.min(i.ttlS ?? 60, MAX_CAPTURE_TTL_S);
  const claims: Omit<CaptureClaims, 'iss' | 'aud' | 'iat' | 'exp' | 'jti'> = {
    sid: i.sid,
    nonce: i.nonce,
    evidence: i.evidence,
    checks: cleanChecks(i.checks) as CaptureClaims['checks'],
    camera: i.camera,
    ...(i.approach ? { approach: i.approach } : {}),
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALG, typ: TYP.CAPTURE, jwk: key.jwk })
    .setIssuer(CAPTURE_CLIENT_ID)
    .setAudience(i.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomId())
    .sign(key.privateKey);
}
