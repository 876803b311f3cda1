import { importJWK, jwtVerify } from 'jose';
import * as v from 'valibot';
import {
  ALG, CAPTURE_CLIENT_ID, CLOCK_TOLERANCE_S, CaptureClaimsSchema, KitError, MAX_CAPTURE_TTL_S, TYP, type CaptureClaims,
} from '../../protocol/index.ts';
import { checkHeader, popKeyOf } from './header-policy.ts';
import { fromJoseError } from './jose-errors.ts';

const CODES = { invalid: 'CAPTURE_TOKEN_INVALID', expired: 'CAPTURE_TOKEN_INVALID', signature: 'CAPTURE_SIGNATURE_INVALID' } as const;

/**
 * Verifies the browser's capture token: signed by the public P-256 key in its own header (PoP),
 * pinned alg/typ/iss/aud, lifetime ≤ 120 s, claims per CaptureClaimsSchema. Nonce and session
 * binding are checked by the caller against the store.
 */
export async function verifyCaptureToken(token: string, opts: { audience: string; now: number }): Promise<CaptureClaims> {
  const header = checkHeader(token, { typ: TYP.CAPTURE, allowed: ['alg', 'typ', 'jwk'], code: CODES.invalid });
  const jwk = popKeyOf(header, CODES.invalid);
  let key;
  try {
    key = await importJWK(jwk, ALG);
  } catch {
    throw new KitError(CODES.invalid, 'header jwk is not a usable P-256 key');
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      typ: TYP.CAPTURE,
      issuer: CAPTURE_CLIENT_ID,
      audience: opts.audience,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(opts.now * 1000),
      requiredClaims: ['exp', 'iat', 'jti', 'sid', 'nonce'],
    }));
  } catch (e) {
    throw fromJoseError(e, CODES);
  }
  const r = v.safeParse(CaptureClaimsSchema, payload);
  if (!r.success) throw new KitError(CODES.invalid, 'capture claims violate the schema');
  const c = r.output;
  if (c.exp - c.iat > MAX_CAPTURE_TTL_S || c.exp <= c.iat) throw new KitError(CODES.invalid, 'capture lifetime out of bounds');
  if (c.iat > opts.now + CLOCK_TOLERANCE_S) throw new KitError(CODES.invalid, 'capture issued in the future');
  return c;
}
