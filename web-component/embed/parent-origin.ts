/**
 * Which origin may receive the iframe's result: the embedding parent's origin, and only when it is
 * in the session's `origins` list (exact match). Never `*`.
 */

/** Normalised origin of a URL-ish string, or null. */
export function originOf(x: string | null | undefined): string | null {
  if (!x) return null;
  try {
    const u = new URL(x);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

export interface FrameContext {
  /** location.ancestorOrigins (Chromium, WebKit); first entry is the parent */
  ancestorOrigins?: ArrayLike<string> | null;
  /** document.referrer */
  referrer?: string | null;
}

/** The parent's origin as far as the page can tell (ancestorOrigins first, then the referrer). */
export function parentOrigin(ctx: FrameContext): string | null {
  const a = ctx.ancestorOrigins;
  if (a && a.length > 0) return originOf(a[0]);
  return originOf(ctx.referrer);
}

/** The exact targetOrigin for postMessage, or null when the parent is not allowed. */
export function targetOrigin(ctx: FrameContext, allowed: readonly string[]): string | null {
  const p = parentOrigin(ctx);
  if (!p) return null;
  // the referrer can be spoofed by nothing in the page, but it can be absent or stale: both sources must agree when both exist
  const ref = originOf(ctx.referrer);
  if (ctx.ancestorOrigins && ctx.ancestorOrigins.length > 0 && ref && ref !== p) return null;
  return allowed.some((o) => originOf(o) === p && o.replace(/\/$/, '') === p) ? p : null;
}
