/**
 * Reads the session token's payload WITHOUT verifying it: the element cannot (the verifier's key
 * is not public to it) and need not (the verifier checks everything). It only takes the nonce,
 * the challenge, the allowed origins and the return URL for the UX.
 */
import { decodeJwt } from 'jose';
import * as v from 'valibot';
import { KitError, SessionClaimsSchema, type SessionClaims } from '../../protocol/index.ts';

export function readSessionToken(token: string | null | undefined, nowS = Date.now() / 1000): SessionClaims {
  if (!token) throw new KitError('SESSION_TOKEN_INVALID', 'no session token');
  let payload: unknown;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new KitError('SESSION_TOKEN_INVALID', 'session token is not a JWT');
  }
  const r = v.safeParse(SessionClaimsSchema, payload);
  if (!r.success) throw new KitError('SESSION_TOKEN_INVALID', 'session token claims are malformed');
  if (r.output.exp <= nowS) throw new KitError('SESSION_EXPIRED', 'session token expired');
  return r.output;
}
