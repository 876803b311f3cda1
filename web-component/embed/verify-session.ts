/**
 * Verifies the session token the hosted page received in its URL, against the pinned verifier's
 * keys, before anything in it (origins, return URL) is used. The link is attacker-controlled:
 * `alg: none`, a foreign issuer, another key or a bad signature all fail here.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import * as v from 'valibot';
import {
  ALG, CAPTURE_CLIENT_ID, CLOCK_TOLERANCE_S, KitError, MAX_SESSION_TTL_S, SessionClaimsSchema, TYP, type SessionClaims,
} from '../../protocol/index.ts';

const invalid = (why: string) => new KitError('SESSION_TOKEN_INVALID', why);

/**
 * Checks, without any key and before any network call, that the token could be one the pinned
 * verifier minted: ES256, the session `typ`, a `kid`, and `iss` = the pinned verifier.
 */
export function precheckSessionToken(token: string | null | undefined, verifier: string): void {
  if (!token) throw invalid('no session token');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let iss: unknown;
  try {
    header = decodeProtectedHeader(token);
    iss = decodeJwt(token).iss;
  } catch {
    throw invalid('session token is not a JWT');
  }
  if (header.alg !== ALG || header.typ !== TYP.SESSION || typeof header.kid !== 'string') throw invalid('session token header is not the verifier\'s');
  if (iss !== verifier) throw invalid('session token was not issued by the configured verifier');
}

export interface VerifySessionOptions {
  /** the pinned verifier (pinnedVerifier): the only accepted issuer */
  verifier: string;
  /** that verifier's published keys */
  jwks: JSONWebKeySet;
  /** seconds since the epoch (default: now) */
  nowS?: number;
}

/** The token's claims once its signature, alg, typ, issuer, audience, lifetime and schema check out. */
export async function verifySessionToken(token: string | null | undefined, o: VerifySessionOptions): Promise<SessionClaims> {
  precheckSessionToken(token, o.verifier);
  const nowS = o.nowS ?? Date.now() / 1000;
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token!, createLocalJWKSet(o.jwks), {
      algorithms: [ALG],
      typ: TYP.SESSION,
      issuer: o.verifier,
      audience: CAPTURE_CLIENT_ID,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(nowS * 1000),
      requiredClaims: ['exp', 'iat', 'sid', 'nonce'],
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) throw new KitError('SESSION_EXPIRED', 'session token expired');
    throw invalid(e instanceof errors.JOSEError ? `session token rejected (${e.code})` : 'session token rejected');
  }
  const r = v.safeParse(SessionClaimsSchema, payload);
  if (!r.success) throw invalid('session token claims violate the schema');
  const c = r.output;
  if (c.exp - c.iat > MAX_SESSION_TTL_S || c.iat > nowS + CLOCK_TOLERANCE_S) throw invalid('session lifetime out of bounds');
  return c;
}
