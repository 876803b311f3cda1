/**
 * Where the pipeline's workers come from. In this repository (the demo, the tests) vite bundles the
 * TypeScript workers from the `new Worker(new URL(…, import.meta.url))` pattern below; the element
 * package swaps this module for worker-source.package.ts, whose prebuilt workers are loaded from
 * the asset base (scripts/build-packages.mjs), so no bundler ever has to see a worker pattern.
 */
export type WorkerName = 'vision' | 'phone';

export function spawnWorker(name: WorkerName, workerBase?: string): Worker {
  if (workerBase) return new Worker(new URL(`${name}-worker.js`, workerBase), { type: 'module', name });
  return name === 'vision'
    ? new Worker(new URL('./vision-worker.ts', import.meta.url), { type: 'module', name })
    : new Worker(new URL('./phone-worker.ts', import.meta.url), { type: 'module', name });
}
