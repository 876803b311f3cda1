/**
 * The return-URL rule shared by the verifier (what an integrator may register) and the iframe page
 * (what it follows): http(s) pages and custom-scheme deep links (`myapp://callback`, React Native /
 * Expo web-views); never script, local or browser-internal schemes.
 */

/**
 * Schemes refused even when registered: they run script or show content in the page's own
 * origin (javascript, vbscript, data, blob, filesystem), reach local or browser-internal
 * resources (file, content, about, view-source, chrome, chrome-extension, chrome-untrusted,
 * devtools, moz-extension, resource), are not page navigations (ws, wss, ftp), or let the URL
 * pick any installed app and a fallback page (intent, android-app).
 */
export const DENIED_RETURN_SCHEMES: ReadonlySet<string> = new Set([
  'javascript', 'vbscript', 'data', 'blob', 'filesystem',
  'file', 'content', 'about', 'view-source', 'chrome', 'chrome-extension', 'chrome-untrusted', 'devtools', 'moz-extension', 'resource',
  'ws', 'wss', 'ftp',
  'intent', 'android-app',
]);

// absolute with an authority part only: no base, so `//evil`, `/return` and `myapp:callback` do not parse
const WITH_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\//i;
// the parser would silently drop tabs and newlines and trim spaces: such input is refused, not repaired
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;

/**
 * A return URL as the kit accepts it (registered by an integrator, named in a session, followed by
 * the iframe page): absolute `scheme://…`, no control characters or spaces, no userinfo, not a
 * denied scheme, something to route on. null otherwise.
 */
export function parseReturnUrl(x: string): URL | null {
  if (!WITH_AUTHORITY.test(x) || CONTROL_OR_SPACE.test(x)) return null;
  let u: URL;
  try {
    u = new URL(x);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  if (DENIED_RETURN_SCHEMES.has(scheme)) return null;
  if (u.username || u.password) return null;
  // a custom scheme needs something to route on: `myapp://` alone names nothing
  if (u.host === '' && (u.pathname === '' || u.pathname === '/')) return null;
  return u;
}

