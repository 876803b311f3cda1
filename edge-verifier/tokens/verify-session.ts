import { jwtVerify } from 'jose';
import * as v from 'valibot';
import {
  ALG, CAPTURE_CLIENT_ID, CLOCK_TOLERANCE_S, KitError, MAX_SESSION_TTL_S, SessionClaimsSchema, TYP, type SessionClaims,
} from '../../protocol/index.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { checkHeader } from './header-policy.ts';
import { fromJoseError } from './jose-errors.ts';

const CODES = { invalid: 'SESSION_TOKEN_INVALID', expired: 'SESSION_EXPIRED', signature: 'SESSION_TOKEN_INVALID' } as const;

/** Verifies a session token minted by this verifier: pinned alg/typ/iss/aud, our own keys by kid only. */
export async function verifySessionToken(ring: KeyRing, token: string, opts: { issuer: string; now: number }): Promise<SessionClaims> {
  const header = checkHeader(token, { typ: TYP.SESSION, allowed: ['alg', 'typ', 'kid'], code: CODES.invalid });
  const key = await ring.verificationKey(header.kid, opts.now);
  if (!key) throw new KitError(CODES.invalid, 'unknown signing key');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      typ: TYP.SESSION,
      issuer: opts.issuer,
      audience: CAPTURE_CLIENT_ID,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(opts.now * 1000),
      requiredClaims: ['exp', 'iat', 'sid', 'nonce'],
    }));
  } catch (e) {
    throw fromJoseError(e, CODES);
  }
  const r = v.safeParse(SessionClaimsSchema, payload);
  if (!r.success) throw new KitError(CODES.invalid, 'session claims violate the schema');
  const c = r.output;
  if (c.exp - c.iat > MAX_SESSION_TTL_S || c.iat > opts.now + CLOCK_TOLERANCE_S) {
    throw new KitError(CODES.invalid, 'session lifetime out of bounds');
  }
  return c;
}
