/**
 * Heavy work spread over the cluster (DESIGN.md "Matcher": any node answers any request). A 1:1
 * verify and an enrolment run on the first live owner of the person; extraction-bound requests
 * (POST /identify, /verify, /liveness) on a live member drawn by weight. The receiving node reads
 * the body under its limit, sends it on and streams the answer back; `x-matcher-node` names the
 * node that did the work. A peer that cannot be reached is left out and the request runs here. A
 * request that was forwarded once is never forwarded again. With no cluster everything runs here.
 */
import type { MiddlewareHandler } from 'hono';
import type { MatcherService } from '../service.ts';
import { readLimited } from './body.ts';

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
  if (method === 'POST' && (path === '/identify' || path === '/verify' || path === '/liveness' || path === '/liveness/image')) return 'any';
  return null;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

export function forwardHeavy(svc: MatcherService, o: { timeoutMs?: number } = {}): MiddlewareHandler {
  return async (c, next) => {
    const cluster = svc.cluster;
    const self = cluster?.self.id;
    const target = cluster && !c.req.header(FORWARDED_HEADER) ? heavyTarget(c.req.method, c.req.path) : null;
    const dest = target && cluster ? cluster.placeHeavy(target === 'any' ? undefined : target.person) : null;
    if (!dest) {
      await next();
      if (self) c.res.headers.set(NODE_HEADER, self);
      return;
    }
    // the body under this node's limit first (limits before work; the target applies its own too):
    // kept, so that a peer that cannot be reached costs nothing but a local run
    const body = await readLimited(c, svc.config.maxBodyBytes);
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
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(o.timeoutMs ?? svc.config.queueTimeoutMs + 60_000),
      });
    } catch {
      // dead or unreachable (a kill -9 the probes have not seen yet): it is left out, and the
      // request runs here on the body already read
      cluster!.suspect(dest.id);
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers: c.req.raw.headers, body: body as Uint8Array<ArrayBuffer> });
      await next();
      if (self) c.res.headers.set(NODE_HEADER, self);
      return;
    }
    const out = new Headers();
    res.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k)) out.set(k, v);
    });
    return new Response(res.body, { status: res.status, headers: out });
  };
}
