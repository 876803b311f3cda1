import { SignJWT } from 'jose';
import { ALG, TYP, type SessionClaims } from '../../protocol/index.ts';
import type { KeyRing } from '../keys/key-ring.ts';

/** Mints the session token (typ liveness-session+jwt) with the current signing key. */
export async function signSessionToken(ring: KeyRing, claims: SessionClaims, now: number): Promise<string> {
  const { kid, key } = await ring.signer(now);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALG, typ: TYP.SESSION, kid }).sign(key);
}
