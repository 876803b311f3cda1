/**
 * The ephemeral proof-of-possession key: a fresh P-256 pair per capture, private half
 * non-extractable (it can sign, it can never be read out by page scripts).
 */
import { exportJWK, type JWK } from 'jose';

export interface PopKey {
  privateKey: CryptoKey;
  /** public half, EC members only (what goes into the JWS header) */
  jwk: JWK;
}

export async function generatePopKey(): Promise<PopKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])) as CryptoKeyPair;
  const pub = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, jwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y } };
}
