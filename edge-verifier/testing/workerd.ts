import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerifierStore } from '../store/types.ts';

/** The Durable Object store as seen over RPC from the test (plain results; objects come back as proxies). */
export type DurableStoreStub = { [K in keyof VerifierStore]: (...a: Parameters<VerifierStore[K]>) => Promise<unknown> };

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles the Workers entry (edge-verifier/worker.ts) the way wrangler would: ESM, workerd conditions. */
export async function bundleWorker(): Promise<string> {
  const r = await build({
    entryPoints: [path.join(here, '..', 'worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:workers'],
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

/**
 * Runs the verifier's Workers entry under workerd (Miniflare), with the Durable Object store on
 * SQLite storage and `vars` as string bindings. `fetch(path)` dispatches into the worker.
 * `persistDir`: storage survives `close()` and a new instance on the same directory (a restart).
 */
export async function startWorkerdVerifier(vars: Record<string, string>, o: { persistDir?: string } = {}): Promise<{
  fetch(p: string, init?: RequestInit): Promise<Response>;
  /** the worker's own VerifierStoreDO instance, called directly (e.g. with an injected `now`) */
  store(): Promise<DurableStoreStub>;
  close(): Promise<void>;
}> {
  const script = await bundleWorker();
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-04-01',
    durableObjects: { VERIFIER_STORE: { className: 'VerifierStoreDO', useSQLite: true } },
    bindings: vars,
    // a directory keeps the Durable Object's storage (and its alarm) across instances: a restart
    ...(o.persistDir ? { defaultPersistRoot: o.persistDir } : {}),
  });
  await mf.ready;
  return {
    fetch: async (p, init) => (await mf.dispatchFetch(`http://verifier.test${p}`, init as never)) as unknown as Response,
    store: async () => {
      const ns = await mf.getDurableObjectNamespace('VERIFIER_STORE');
      return ns.get(ns.idFromName('verifier-store')) as unknown as DurableStoreStub;
    },
    close: () => mf.dispose(),
  };
}
