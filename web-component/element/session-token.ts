/**
 * Reads the session token's payload WITHOUT verifying it, for the element's UX (nonce,
 * challenge): the element uploads only to the `verifier` its page set, and that verifier checks
 * everything. A page that takes the token from its URL (the iframe page) must verify it first
 * (embed/verify-session.ts) before trusting its origins or return URL.
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
