/**
 * Node entry of the matcher: `startMatcher(opts)` → { url, close }, or run as a script
 * (`node --import tsx matcher/server.ts`, configured by MATCHER_STORE / PORT / HOST / MATCHER_API_TOKENS).
 */
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createApp } from './api/app.ts';
import { configFromEnv, resolveConfig, type MatcherConfig, type MatcherConfigInput } from './config.ts';
import { createExtractor, type Extractor } from './extraction/extractor.ts';
import { setMaxImagePixels } from './extraction/image-decode.ts';
import { createWorkerPool } from './extraction/worker-pool.ts';
import { MatcherService } from './service.ts';
import { openStore } from './store/open.ts';

export interface StartOptions extends MatcherConfigInput {
  /** reuse an extractor (tests share one per process: model load is the slow part) */
  extractor?: Extractor;
  /** resolve only once the cache is loaded (default false: /ready answers 503 meanwhile) */
  waitReady?: boolean;
  /** load the cache at start (default true); tests set false to observe the not-ready state */
  loadCache?: boolean;
}

export interface RunningMatcher {
  url: string;
  /** the first accepted bearer token (a random one generated for this process when config.apiTokens is empty) */
  token: string;
  service: MatcherService;
  close(): Promise<void>;
}

export async function startMatcher(opts: StartOptions = {}): Promise<RunningMatcher> {
  const { extractor: given, waitReady, loadCache = true, ...input } = opts;
  const config: MatcherConfig = resolveConfig(input);
  const store = await openStore(config.store);
  // the models run in worker threads so inference never blocks the HTTP loop; a given extractor stays on this thread
  const pool = given || config.workers === 0
    ? undefined
    : await createWorkerPool({ workers: config.workers, quality: config.quality, maxImagePixels: config.maxImagePixels, warmObjects: config.padObjects });
  const extractor = given ?? pool?.extractor ?? (await createExtractor({ quality: config.quality }));
  const service = new MatcherService(store, extractor, config);
  if (pool) service.liveness = pool.scoreLiveness;
  const tokens = config.apiTokens.length ? config.apiTokens : [randomBytes(32).toString('base64url')];
  setMaxImagePixels(config.maxImagePixels);
  const { app } = createApp(service, { tokens });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const loading = (loadCache ? service.loadCache() : Promise.resolve()).catch(() => {
    // store down at start-up: stay not-ready and retry, so the process never exits on a DB blip
    const retry = setInterval(() => service.loadCache().then(() => clearInterval(retry), () => undefined), 2000);
    retry.unref();
  });
  // the PAD's object detector loads on first use: warm it now so the first POST /liveness stays fast
  const warm = pool ? pool.warmed : config.padObjects
    ? extractor.detectObjects({ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 }).then(() => undefined, () => undefined)
    : Promise.resolve();
  if (waitReady) await Promise.all([loading, warm]);
  return {
    url: `http://${config.host}:${port}`,
    token: tokens[0],
    service,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool?.close();
      await store.close().catch(() => undefined);
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = configFromEnv();
  // a token generated here would be unknown to every client: refuse to start instead
  if (!config.apiTokens.length) {
    console.error('matcher failed to start: set MATCHER_API_TOKENS (comma-separated bearer tokens, 16–256 characters each)');
    process.exit(1);
  }
  startMatcher(config).then(
    (m) => {
      console.log(`matcher listening on ${m.url} (store ${m.service.store.kind})`);
      const stop = () => m.close().finally(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (e) => {
      console.error('matcher failed to start:', e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
