import { SignJWT } from 'jose';
import { ALG, TYP, type VerdictClaims } from '../../protocol/index.ts';
import type { KeyRing } from '../keys/key-ring.ts';

export type VerdictBody = Omit<VerdictClaims, 'iss' | 'aud' | 'iat' | 'exp' | 'jti'>;

/**
 * Mints the verdict JWT relying parties trust. Its `exp` never outlives the signing key's
 * publication, so every unexpired verdict stays verifiable against the JWKS.
 */
export async function signVerdict(
  ring: KeyRing,
  body: VerdictBody,
  opts: { issuer: string; audience: string; now: number; ttlS: number; jti: string },
): Promise<string> {
  const { kid, key, exp: keyExp } = await ring.signer(opts.now);
  const exp = Math.min(opts.now + opts.ttlS, keyExp ?? Number.POSITIVE_INFINITY);
  const claims: VerdictClaims = { ...body, iss: opts.issuer, aud: opts.audience, iat: opts.now, exp, jti: opts.jti };
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: TYP.VERDICT, kid }).sign(key);
}
