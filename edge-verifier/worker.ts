import { createApp } from './app.ts';
import { configFromEnv, parseConfig, type EnvLike } from './config.ts';
import { KeyRing } from './keys/key-ring.ts';
import { matcherClient } from './matcher/client.ts';
import type { DurableObjectNamespaceLike, ExecutionContextLike } from './adapters/workers-types.ts';
import { durableObjectStore, VerifierStoreDO } from './store/durable-object.ts';
import type { Hono } from 'hono';
import { purgeExpired } from './flow/retention.ts';
import { expireDue } from './flow/expire.ts';
import { makeServices, type Services } from './services.ts';

/** Bindings declared in wrangler.toml (vars are strings; secrets too). */
export interface WorkerEnv {
  VERIFIER_STORE: DurableObjectNamespaceLike<never>;
  VERIFIER_ISSUER?: string;
  /** secret: JSON list of private JWKs with kid/nbf/exp */
  VERIFIER_SIGNING_KEYS?: string;
  /** secret: JSON list of integrators */
  VERIFIER_INTEGRATORS?: string;
  MATCHER_URL?: string;
  /** secret: bearer token for the matcher (reach it privately: a Cloudflare Tunnel / Access service token, or mTLS) */
  MATCHER_TOKEN?: string;
  VERIFIER_LIVENESS_THRESHOLD?: string;
  VERIFIER_WEBHOOK?: string;
  VERIFIER_RATE_LIMITS?: string;
  /** secret: JSON list of admin keys `[{id, key}]` for /v1/admin */
  VERIFIER_ADMIN_KEYS?: string;
}

let cached: { env: WorkerEnv; app: Hono; services: Services } | undefined;

/**
 * Built once per isolate (config validated once; rate-limit buckets live per isolate). There is
 * no filesystem here, so signing keys and the integrators' seed must come from bindings; the
 * integrators themselves live in the Durable Object's store (admin API).
 */
function built(env: WorkerEnv): { app: Hono; services: Services } {
  if (cached?.env !== env) {
    const vars: EnvLike = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = parseConfig(configFromEnv(vars));
    const deps = {
      config,
      store: durableObjectStore(env.VERIFIER_STORE as never),
      keys: new KeyRing(config.signingKeys),
      matcher: matcherClient({ baseUrl: config.matcherUrl, timeoutMs: config.matcherTimeoutMs, token: config.matcherToken }),
    };
    cached = { env, app: createApp(deps), services: makeServices(deps) };
  }
  return cached;
}

export { VerifierStoreDO };

export default {
  /** Cron trigger (wrangler.toml `[triggers] crons`): the retention purge and the expiry sweep (status 4). */
  async scheduled(_event: unknown, env: WorkerEnv): Promise<void> {
    const { services } = built(env);
    await purgeExpired(services.store, services.config, Math.floor(Date.now() / 1000));
    await expireDue(services);
  },
  async fetch(req: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    try {
      // webhooks: transitions write them to the store's outbox, whose alarm delivers them
      return await built(env).app.fetch(req, env, ctx as never);
    } catch {
      return Response.json({ code: 'NOT_READY', message: 'verifier misconfigured' }, { status: 503 });
    }
  },
};
