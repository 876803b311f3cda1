/**
 * The hosted page's verifier, pinned by the page's own configuration (the `verifier` option of
 * mountEmbed), never taken from the URL or the session token: it is where frames are uploaded,
 * where the session token's keys come from, and the only issuer the page accepts.
 */
import { KitError } from '../../protocol/index.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Validates the configured verifier and returns it in the form the verifier uses as `iss`
 * (no trailing slash). Throws KitError(VERIFIER_NOT_CONFIGURED) when it is absent or is not an
 * https URL (http only on loopback), or carries credentials, a query or a fragment.
 */
export function pinnedVerifier(configured: unknown): string {
  if (typeof configured !== 'string' || configured.trim() === '') {
    throw new KitError('VERIFIER_NOT_CONFIGURED', 'the page has no verifier configured');
  }
  let u: URL;
  try {
    u = new URL(configured.trim());
  } catch {
    throw new KitError('VERIFIER_NOT_CONFIGURED', 'the configured verifier is not an absolute URL');
  }
  const secure = u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  if (!secure) throw new KitError('VERIFIER_NOT_CONFIGURED', 'the configured verifier must be https (http only on loopback)');
  if (u.username || u.password || u.search || u.hash) {
    throw new KitError('VERIFIER_NOT_CONFIGURED', 'the configured verifier must not carry credentials, a query or a fragment');
  }
  return u.href.replace(/\/+$/, '');
}

/** `<verifier>/.well-known/jwks.json` of a pinned verifier (the result of pinnedVerifier). */
export function jwksUrl(verifier: string): string {
  return `${verifier}/.well-known/jwks.json`;
}
