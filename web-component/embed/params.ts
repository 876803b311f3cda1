/**
 * Query parameters of the iframe / web-view page, validated before use:
 * token, card, name, autoStart, url, operation (VERIFICATION default; IMAGE_UPDATE requires
 * message; REGISTRATION; IDENTIFICATION), message, details (JSON object), locale.
 * There is no verifier parameter: the page's own configuration pins the verifier (pinned-verifier.ts),
 * so neither a parameter nor the (verified) token can send frames elsewhere.
 */
import { KitError, OPERATIONS, type Operation } from '../../protocol/index.ts';

export interface EmbedParams {
  token: string | null;
  card: string | null;
  name: string | null;
  autoStart: boolean;
  url: string | null;
  operation: Operation;
  message: string | null;
  details: Record<string, unknown> | null;
  locale: string | null;
}

const MAX_PARAM = 512;
const MAX_DETAILS = 4096;

function short(q: URLSearchParams, k: string, max = MAX_PARAM): string | null {
  const v = q.get(k);
  if (v === null || v === '') return null;
  if (v.length > max) throw new KitError('BAD_REQUEST', `${k} too long`);
  return v;
}

export function parseEmbedParams(search: string): EmbedParams {
  const q = new URLSearchParams(search);
  const op = (q.get('operation') ?? 'VERIFICATION').toUpperCase();
  if (!(OPERATIONS as readonly string[]).includes(op)) throw new KitError('BAD_REQUEST', 'unknown operation');
  const operation = op as Operation;
  const message = short(q, 'message');
  if (operation === 'IMAGE_UPDATE' && !message) throw new KitError('BAD_REQUEST', 'IMAGE_UPDATE requires message');
  let details: Record<string, unknown> | null = null;
  const rawDetails = short(q, 'details', MAX_DETAILS);
  if (rawDetails) {
    let d: unknown;
    try {
      d = JSON.parse(rawDetails);
    } catch {
      throw new KitError('BAD_REQUEST', 'details is not JSON');
    }
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new KitError('BAD_REQUEST', 'details must be a JSON object');
    details = d as Record<string, unknown>;
  }
  const auto = (q.get('autoStart') ?? '').toLowerCase();
  return {
    token: short(q, 'token', 8 * 1024),
    card: short(q, 'card', 128),
    name: short(q, 'name', 256),
    autoStart: auto === '1' || auto === 'true' || auto === 'yes',
    url: short(q, 'url'),
    operation,
    message,
    details,
    locale: short(q, 'locale', 16),
  };
}

/**
 * The page's parameters from the query and the fragment (fragment first). Integrators may pass
 * `#token=…` so the token never reaches a server's access log.
 */
export function embedQuery(loc: { search: string; hash: string }): string {
  return '?' + [loc.hash.replace(/^#/, ''), loc.search.replace(/^\?/, '')].filter(Boolean).join('&');
}

/** The page URL with `token` removed from query and fragment (for history.replaceState). */
export function scrubToken(href: string): string {
  const u = new URL(href);
  const h = new URLSearchParams(u.hash.replace(/^#/, ''));
  if (!u.searchParams.has('token') && !h.has('token')) return href;
  u.searchParams.delete('token');
  if (h.has('token')) {
    h.delete('token');
    u.hash = h.toString();
  }
  return u.href;
}
