import { decodeProtectedHeader, type JWK } from 'jose';
import { ALG, KitError, type ErrorCode } from '../../protocol/index.ts';

/**
 * Strict JWS protected-header checks run before any signature work: exact alg and typ, an
 * allow-list of members (so `jku`, `x5u`, `x5c`, `crit`, `b64`… are refused, not ignored).
 */
export function checkHeader(
  token: string,
  opts: { typ: string; allowed: readonly string[]; code: ErrorCode },
): Record<string, unknown> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new KitError(opts.code, 'token is not a compact JWS');
  }
  if (token.split('.').length !== 3) throw new KitError(opts.code, 'token is not a compact JWS');
  if (header.alg !== ALG) throw new KitError(opts.code, `alg must be ${ALG}`);
  if (header.typ !== opts.typ) throw new KitError(opts.code, 'unexpected typ');
  for (const k of Object.keys(header)) {
    if (!opts.allowed.includes(k)) throw new KitError(opts.code, `header member not allowed: ${k.slice(0, 16)}`);
  }
  return header;
}

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;
const JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'ext', 'key_ops', 'use', 'alg', 'kid']);

/**
 * The capture token's proof-of-possession key: a public EC P-256 JWK only. Private members
 * (`d`), other curves/types and key-fetching members are refused.
 */
export function popKeyOf(header: Record<string, unknown>, code: ErrorCode): JWK {
  const jwk = header.jwk;
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw new KitError(code, 'header jwk missing');
  const j = jwk as Record<string, unknown>;
  for (const k of Object.keys(j)) if (!JWK_MEMBERS.has(k)) throw new KitError(code, `jwk member not allowed: ${k.slice(0, 16)}`);
  if (j.kty !== 'EC' || j.crv !== 'P-256') throw new KitError(code, 'jwk must be EC P-256');
  if (typeof j.x !== 'string' || typeof j.y !== 'string' || !B64URL_32.test(j.x) || !B64URL_32.test(j.y)) {
    throw new KitError(code, 'jwk coordinates malformed');
  }
  if (j.alg !== undefined && j.alg !== ALG) throw new KitError(code, 'jwk alg mismatch');
  if (j.use !== undefined && j.use !== 'sig') throw new KitError(code, 'jwk use mismatch');
  if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && j.key_ops.every((o) => o === 'verify'))) {
    throw new KitError(code, 'jwk key_ops must be verify only');
  }
  return { kty: 'EC', crv: 'P-256', x: j.x, y: j.y };
}
