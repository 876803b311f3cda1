/**
 * Return-URL rule: redirect only when the requested URL equals the session's registered
 * `return_url` exactly after parsing — `scheme://…` with no userinfo, same scheme, host, port,
 * path, query and fragment. http(s) pages and custom-scheme deep links (`myapp://callback`, for
 * React Native / Expo web-views) qualify; script, local and browser-internal schemes never do.
 * Anything else (`//evil`, `https://good.example.evil`, `javascript:`) never redirects.
 */

import { parseReturnUrl } from '../../protocol/index.ts';

export { DENIED_RETURN_SCHEMES } from '../../protocol/index.ts';

/** The registered URL to redirect to, or null when `requested` does not match it exactly. */
export function allowedReturnUrl(requested: string | null | undefined, registered: string | null | undefined): URL | null {
  if (!requested || !registered) return null;
  const a = parseReturnUrl(requested);
  const b = parseReturnUrl(registered);
  if (!a || !b) return null;
  // `origin` is "null" for custom schemes, so scheme and host (with port) are compared themselves
  if (a.protocol !== b.protocol || a.host !== b.host || a.pathname !== b.pathname || a.search !== b.search || a.hash !== b.hash) return null;
  return b;
}

export interface RedirectResult {
  date: string;
  /** 200 recognised / 201 registered; absent when the capture did not conclude so */
  response?: number;
  message: string;
  card?: string | null;
  confidence?: number;
  /** one-time code issued by the verifier (exchanged server-side for the verdict) */
  code?: string;
}

/** The redirect target: the registered URL plus the result parameters (never a token). */
export function redirectUrl(base: URL, r: RedirectResult): string {
  const u = new URL(base.href);
  u.searchParams.set('date', r.date);
  if (r.response !== undefined) u.searchParams.set('response', String(r.response));
  u.searchParams.set('message', r.message);
  if (r.card) u.searchParams.set('card', r.card);
  if (r.confidence !== undefined) u.searchParams.set('confidence', String(r.confidence));
  if (r.code) u.searchParams.set('code', r.code);
  return u.href;
}
