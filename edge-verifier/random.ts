import { base64url } from './evidence/verify-hashes.ts';

/** `bytes` random bytes as base64url (nonces: 32 bytes = 256 bits; ids: 16 bytes). */
export function randomId(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Uniform in [lo, hi), rounded to 3 decimals. */
export function randomIn(lo: number, hi: number): number {
  const u = crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
  return Math.round((lo + u * (hi - lo)) * 1000) / 1000;
}
