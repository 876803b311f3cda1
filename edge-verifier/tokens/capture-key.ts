import { calculateJwkThumbprint } from 'jose';
import { KitError } from '../../protocol/index.ts';
import { checkHeader, popKeyOf } from './header-policy.ts';
import { TYP } from '../../protocol/index.ts';

/**
 * RFC 7638 thumbprint of the capture token's public key (its header `jwk`), called after
 * verifyCaptureToken accepted the token: the session binds it on the first upload (RFC 7800
 * `cnf` style), so a later upload signed by another key is refused.
 */
export async function captureKeyThumbprint(token: string): Promise<string> {
  const header = checkHeader(token, { typ: TYP.CAPTURE, allowed: ['alg', 'typ', 'jwk'], code: 'CAPTURE_TOKEN_INVALID' });
  try {
    return await calculateJwkThumbprint(popKeyOf(header, 'CAPTURE_TOKEN_INVALID'), 'sha256');
  } catch {
    throw new KitError('CAPTURE_TOKEN_INVALID', 'header jwk has no thumbprint');
  }
}
