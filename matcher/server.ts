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
import { ClusterNode } from './cluster/node.ts';
import { Membership } from './cluster/membership.ts';

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
  /** this node's cluster side (config.cluster) */
  cluster?: ClusterNode;
  close(): Promise<void>;
}

export async function startMatcher(opts: StartOptions = {}): Promise<RunningMatcher> {
  const { extractor: given, waitReady, loadCache = true, ...input } = opts;
  const config: MatcherConfig = resolveConfig(input);
  if (config.cluster && !/^postgres(ql)?:\/\//.test(config.store)) throw new Error('a matcher cluster needs the shared PostgreSQL store (MATCHER_STORE=postgres://…)');
  const store = await openStore(config.store);
  // the models run in worker threads so inference never blocks the HTTP loop; a given extractor stays on this thread
  const pool = given || config.workers === 0
    ? undefined
    : await createWorkerPool({ workers: config.workers, quality: config.quality, maxImagePixels: config.maxImagePixels, warmObjects: config.padObjects });
  const extractor = given ?? pool?.extractor ?? (await createExtractor({ quality: config.quality }));
  const service = new MatcherService(store, extractor, config);
  if (pool) {
    service.liveness = pool.scoreLiveness;
    service.livenessImage = pool.analyseImage;
  }
  const tokens = config.apiTokens.length ? config.apiTokens : [randomBytes(32).toString('base64url')];
  setMaxImagePixels(config.maxImagePixels);
  const { app } = createApp(service, { tokens });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let node: ClusterNode | undefined;
  if (config.cluster) {
    // a cluster: join etcd, then load the owned persons; a failure here stops the start (no silent single node)
    const cc = config.cluster;
    const self = { id: cc.nodeId, url: cc.url ?? `http://${config.host}:${port}`, weight: cc.weight };
    try {
      const membership = await Membership.join({ hosts: cc.etcd, self, ttlS: cc.leaseTtlS, prefix: cc.prefix });
      node = new ClusterNode(service, membership, { self, replicationFactor: cc.replicationFactor, token: tokens[0], notifyUrl: config.store, listen: cc.listen, rescanMs: cc.rescanMs });
    } catch (e) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool?.close();
      await store.close().catch(() => undefined);
      throw e;
    }
  }
  const load = () => (node ? node.start().then(() => { service.ready = true; }) : service.loadCache());
  const loading = (loadCache ? load() : Promise.resolve()).catch(() => {
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
    cluster: node,
    async close() {
      await node?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool?.close();
      await store.close().catch(() => undefined);
    },
  };
}

/** Runs the matcher configured by the environment (README: MATCHER_*, PORT, HOST); `liveness-matcher` and `node matcher/server.ts`. */
export function main(): void {
  const config = configFromEnv();
  // a token generated here would be unknown to every client: refuse to start instead
  if (!config.apiTokens.length) {
    console.error('matcher failed to start: set MATCHER_API_TOKENS (comma-separated bearer tokens, 16–256 characters each)');
    process.exit(1);
  }
  void startMatcher(config).then(
    (m) => {
      console.log(`matcher listening on ${m.url} (store ${m.service.store.kind}${m.cluster ? `, cluster node ${m.cluster.self.id}, RF ${m.cluster.replicationFactor}` : ''})`);
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
