/**
 * Checks every answer against its route's OpenAPI description while the end-to-end tests run
 * (`LK_CHECK_RESPONSES=1`, set by vitest.config.ts for the e2e project): an answer with an
 * undocumented status, a body of another shape, or an error code the route does not list is
 * replaced by a 500 naming the mismatch, so the test that caused it fails. Off otherwise (no cost).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { decodeStrict } from './cbor.ts';
import { checkResponse, routeFor, type ApiSpec, type RouteSpec } from './openapi.ts';

const enabled = (): boolean => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.LK_CHECK_RESPONSES === '1';

async function bodyOf(c: Context): Promise<{ body: unknown; has: boolean }> {
  // read once and answer a copy, its headers taken BEFORE the body: on @hono/node-server's
  // lightweight responses, reading the body first (or cloning) lost headers a middleware had set
  // after the handler (the matcher's x-matcher-node)
  const res = c.res;
  const headers = new Headers(res.headers);
  const type = (headers.get('content-type') ?? '').split(';')[0].trim();
  const bytes = new Uint8Array(await res.arrayBuffer());
  c.res = undefined;
  c.res = new Response(bytes.byteLength ? bytes : null, { status: res.status, headers });
  if (bytes.byteLength === 0) return { body: undefined, has: false };
  if (type === 'application/json') return { body: JSON.parse(new TextDecoder().decode(bytes)), has: true };
  if (type === 'application/cbor') return { body: decodeStrict(bytes, { maxBytes: 64 * 1024 * 1024, maxItems: 1_000_000, maxFieldBytes: 64 * 1024 * 1024 }), has: true };
  return { body: bytes, has: true };
}

/** The described route whose pattern matches a concrete path. */
export function routeByPath(spec: ApiSpec, method: string, path: string): RouteSpec | undefined {
  const m = method.toLowerCase();
  return spec.routes.find((r) => r.method === m && new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`).test(path));
}

export function checkResponses(spec: ApiSpec, service: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!enabled() || c.req.method === 'OPTIONS' || c.req.method === 'HEAD') return;
    // a request a middleware answered itself (the matcher forwarding heavy work to a peer) matched
    // no handler here: its route is found from the path
    const pattern = matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path ?? routeByPath(spec, c.req.method, c.req.path)?.path;
    let problem: string | null;
    if (!pattern) {
      // no route matched: only not-found (or the credential check that runs first) is expected
      problem = [400, 401, 404, 429].includes(c.res.status) ? null : `unmatched request answered ${c.res.status}`;
    } else {
      const route = routeFor(spec, c.req.method, pattern);
      if (!route) problem = 'route is not in the OpenAPI description';
      else {
        const { body, has } = await bodyOf(c);
        problem = checkResponse(spec, route, c.res.status, body, has);
      }
    }
    if (!problem) return;
    const message = `${service} ${c.req.method} ${pattern ?? c.req.path}: answer does not match the OpenAPI description: ${problem}`;
    console.error(`[openapi] ${message}`);
    c.res = new Response(JSON.stringify({ code: 'INTERNAL', message }), { status: 500, headers: { 'content-type': 'application/json' } });
  };
}
