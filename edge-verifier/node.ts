import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApp } from './app.ts';
import { DEMO_INTEGRATOR, configFromEnv, parseConfig, type Config, type EnvLike } from './config.ts';
import { loadOrCreateDemoKey } from './keys/demo-key.ts';
import { KeyRing } from './keys/key-ring.ts';
import { matcherClient, type MatcherClient } from './matcher/client.ts';
import { openSqliteStore } from './store/sqlite.ts';
import { purgeExpired } from './flow/retention.ts';
import { expireDue } from './flow/expire.ts';
import { IntegratorRegistry } from './integrators/registry.ts';
import { makeServices } from './services.ts';
import { startOutboxLoop } from './webhooks/outbox.ts';
import { metricsRoute } from './metrics/route.ts';
import { VerifierMetrics } from './metrics/prometheus.ts';

/** How often pending sessions past their expiry are ended (status 4). */
const EXPIRY_SWEEP_MS = 5_000;

export interface StartOptions {
  /** raw config (validated); merged over the environment's */
  config?: Record<string, unknown>;
  env?: EnvLike;
  /** sqlite file (default VERIFIER_DB or .data/verifier/verifier.db); several instances may share one */
  dbPath?: string;
  port?: number;
  hostname?: string;
  /** unix seconds clock (tests) */
  now?: () => number;
  /** replaces the HTTP matcher client (bench / unit tests) */
  matcher?: MatcherClient;
  fetch?: typeof fetch;
}

export interface RunningVerifier {
  url: string;
  config: Config;
  /** resolves when background work has finished and no webhook event is pending (delivered or given up) */
  drain(): Promise<void>;
  /** runs the expiry sweep now (it also runs every few seconds); answers sessions ended */
  expireNow(): Promise<number>;
  close(): Promise<void>;
}

/** Node entry: config from env + options, embedded SQLite store, @hono/node-server on 127.0.0.1. */
export async function startVerifier(opts: StartOptions = {}): Promise<RunningVerifier> {
  const env = opts.env ?? (process.env as EnvLike);
  const raw: Record<string, unknown> = { ...configFromEnv(env), ...opts.config };
  const dataDir = path.resolve(env.VERIFIER_DATA_DIR ?? '.data/verifier');
  if (!raw.signingKeys) raw.signingKeys = [await loadOrCreateDemoKey(dataDir)];
  // the public demo integrator (API key `demo-key`) exists only when asked for: never by accident
  if (!raw.integrators && env.VERIFIER_DEMO === '1') raw.integrators = [DEMO_INTEGRATOR];
  const port = opts.port ?? Number(env.PORT ?? 8787);
  const hostname = opts.hostname ?? '127.0.0.1';
  const config = parseConfig(raw);
  const store = openSqliteStore(opts.dbPath ?? env.VERIFIER_DB ?? path.join(dataDir, 'verifier.db'));
  const integrators = new IntegratorRegistry(store, config.integrators, 1_000, Date.now, config.seedMode);
  try {
    // the configured integrators seed the store once; afterwards the admin API changes them there
    if (!(await integrators.all()).length) {
      throw new Error('no integrators configured: set VERIFIER_INTEGRATORS (seeds the store on first start), or VERIFIER_DEMO=1 for the local demo integrator');
    }
  } catch (e) {
    store.close();
    throw e;
  }
  const pending = new Set<Promise<unknown>>();
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const metrics = new VerifierMetrics();
  const outbox = startOutboxLoop({ store, integrator: (id) => integrators.get(id), opts: config.webhook, fetch: opts.fetch, now, observer: metrics });
  const deps = {
    config,
    store,
    integrators,
    kickOutbox: () => outbox.kick(),
    observer: metrics,
    keys: new KeyRing(config.signingKeys),
    matcher: opts.matcher ?? matcherClient({ baseUrl: config.matcherUrl, timeoutMs: config.matcherTimeoutMs, token: config.matcherToken, fetch: opts.fetch }),
    now: opts.now,
    fetch: opts.fetch,
    background: (p: Promise<unknown>) => {
      const q = p.catch(() => undefined).finally(() => pending.delete(q));
      pending.add(q);
    },
  };
  const app = createApp(deps);
  app.get('/metrics', metricsRoute(metrics, config.metricsToken));
  const services = makeServices(deps);
  const purge = () => void purgeExpired(store, config, now()).catch(() => undefined);
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();
  // pending sessions past their expiry end with status 4 (and their webhook) within a few seconds
  const expire = () => void expireDue(services).catch(() => undefined);
  const expireTimer = setInterval(expire, EXPIRY_SWEEP_MS);
  expireTimer.unref();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s));
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${hostname}:${addr.port}`;
  return {
    url,
    config,
    drain: async () => {
      while (pending.size) await Promise.all([...pending]);
      await outbox.drain();
    },
    expireNow: () => expireDue(services),
    close: async () => {
      clearInterval(purgeTimer);
      clearInterval(expireTimer);
      await new Promise<void>((r) => server.close(() => r()));
      while (pending.size) await Promise.all([...pending]);
      await outbox.stop();
      store.close();
    },
  };
}

/** Runs the verifier configured by the environment (README: VERIFIER_*, MATCHER_*); `liveness-verifier` and `node edge-verifier/node.ts`. */
export function main(): void {
  void startVerifier()
    .then((v) => {
      console.log(`[verifier] listening on ${v.url} (issuer ${v.config.issuer}, matcher ${v.config.matcherUrl})`);
      for (const i of v.config.integrators) {
        const notes = [i.id === 'demo' && i.apiKey === 'demo-key' ? 'PUBLIC DEMO INTEGRATOR (key demo-key): never expose this verifier' : '', i.managerModeAfter > 0 ? `manager mode after ${i.managerModeAfter} attempts without a face` : ''].filter(Boolean);
        console.log(`[verifier] integrator ${i.id}${notes.length ? ': ' + notes.join('; ') : ''}`);
      }
      if (!v.config.matcherToken) console.log('[verifier] warning: no MATCHER_TOKEN: the matcher will refuse every call');
      const stop = () => void v.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      console.error(`[verifier] failed to start: ${e instanceof Error ? e.message : 'unknown error'}`);
      process.exit(1);
    });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
