import { sha256b64url } from '../evidence/verify-hashes.ts';
import { randomId } from '../random.ts';

/** Random bytes per code: 256 bits (43 base64url characters). */
export const CODE_BYTES = 32;

/** What a code looks like on the wire; anything else is refused before the store is asked. */
const CODE_SHAPE = /^[A-Za-z0-9_-]{22,128}$/;

export function isCodeShape(x: string): boolean {
  return CODE_SHAPE.test(x);
}

/** The store key of a code: its SHA-256 (base64url). The code itself is never stored or logged. */
export function codeHash(code: string): Promise<string> {
  return sha256b64url(new TextEncoder().encode(code));
}

/**
 * A fresh one-time result code valid for `ttlS` seconds from `now` (unix s): `code` goes to the
 * browser once, `stored` (hash + expiry) goes to the store with the session's transition.
 */
export async function newCode(now: number, ttlS: number): Promise<{ code: string; stored: { hash: string; expiresAt: number } }> {
  const code = randomId(CODE_BYTES);
  return { code, stored: { hash: await codeHash(code), expiresAt: now + ttlS } };
}
