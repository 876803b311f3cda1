import { createApp } from './app.ts';
import { configFromEnv, parseConfig, type EnvLike } from './config.ts';
import { KeyRing } from './keys/key-ring.ts';
import { matcherClient } from './matcher/client.ts';
import type { DurableObjectNamespaceLike, ExecutionContextLike } from './adapters/workers-types.ts';
import { durableObjectStore, VerifierStoreDO } from './store/durable-object.ts';
import type { Hono } from 'hono';
import { purgeExpired } from './flow/retention.ts';

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
}

let cached: { env: WorkerEnv; app: Hono } | undefined;

/**
 * Built once per isolate (config validated once; rate-limit buckets live per isolate). There is
 * no filesystem here, so signing keys and integrators must come from bindings.
 */
function appFor(env: WorkerEnv): Hono {
  if (cached?.env !== env) {
    const vars: EnvLike = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = parseConfig(configFromEnv(vars));
    cached = {
      env,
      app: createApp({
        config,
        store: durableObjectStore(env.VERIFIER_STORE as never),
        keys: new KeyRing(config.signingKeys),
        matcher: matcherClient({ baseUrl: config.matcherUrl, timeoutMs: config.matcherTimeoutMs, token: config.matcherToken }),
      }),
    };
  }
  return cached.app;
}

export { VerifierStoreDO };

export default {
  /** Cron trigger (wrangler.toml `[triggers] crons`): the retention purge. */
  async scheduled(_event: unknown, env: WorkerEnv): Promise<void> {
    const vars: EnvLike = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    const config = parseConfig(configFromEnv(vars));
    await purgeExpired(durableObjectStore(env.VERIFIER_STORE as never), config, Math.floor(Date.now() / 1000));
  },
  async fetch(req: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    try {
      // webhooks run after the response: routes hand them to this request's ctx.waitUntil
      return await appFor(env).fetch(req, env, ctx as never);
    } catch {
      return Response.json({ code: 'NOT_READY', message: 'verifier misconfigured' }, { status: 503 });
    }
  },
};
