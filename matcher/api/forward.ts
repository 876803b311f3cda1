/**
 * Heavy work spread over the cluster (DESIGN.md "Matcher": any node answers any request). A 1:1
 * verify and an enrolment run on the first live owner of the person; extraction-bound requests
 * (POST /identify, /verify, /liveness) on a live member drawn by weight. The receiving node
 * streams the request through (its body is never buffered here: the target applies the limits)
 * and streams the answer back; `x-matcher-node` names the node that did the work. A request that
 * was forwarded once is never forwarded again. With no cluster everything runs here.
 */
import type { MiddlewareHandler } from 'hono';
import { KitError } from '../../protocol/index.ts';
import type { MatcherService } from '../service.ts';

export const FORWARDED_HEADER = 'x-matcher-forwarded';
export const NODE_HEADER = 'x-matcher-node';

/** What a request needs: the person whose owner should run it, any member by weight, or here (null). */
export function heavyTarget(method: string, path: string): { person: string } | 'any' | null {
  const person = /^\/persons\/([^/]+)(\/verify)?$/.exec(path);
  if (person && ((method === 'POST' && person[2]) || (method === 'PUT' && !person[2]))) {
    try {
      return { person: decodeURIComponent(person[1]) };
    } catch {
      return null; // a malformed id: the route answers 400 here
    }
  }
  if (method === 'POST' && (path === '/identify' || path === '/verify' || path === '/liveness')) return 'any';
  return null;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

export function forwardHeavy(svc: MatcherService, o: { selfId: () => string | undefined; timeoutMs?: number }): MiddlewareHandler {
  return async (c, next) => {
    const cluster = svc.cluster;
    const self = o.selfId();
    const target = cluster && !c.req.header(FORWARDED_HEADER) ? heavyTarget(c.req.method, c.req.path) : null;
    const dest = target && cluster ? cluster.placeHeavy(target === 'any' ? undefined : target.person) : null;
    if (!dest) {
      await next();
      if (self) c.res.headers.set(NODE_HEADER, self);
      return;
    }
    const headers = new Headers();
    c.req.raw.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) headers.set(k, v);
    });
    headers.set(FORWARDED_HEADER, self ?? 'unknown');
    const url = new URL(c.req.url);
    let res: Response;
    try {
      res = await fetch(`${dest.url}${url.pathname}${url.search}`, {
        method: c.req.method,
        headers,
        body: c.req.raw.body,
        // @ts-expect-error undici's option for a streamed request body (not in lib.dom's RequestInit)
        duplex: 'half',
        signal: AbortSignal.timeout(o.timeoutMs ?? svc.config.queueTimeoutMs + 60_000),
      });
    } catch {
      // the body went (in part) to the peer: it cannot run here instead; the caller retries
      throw new KitError('PEER_UNAVAILABLE', `cluster node ${dest.id} did not answer`);
    }
    const out = new Headers();
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) out.set(k, v);
    });
    return new Response(res.body, { status: res.status, headers: out });
  };
}
