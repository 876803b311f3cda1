/**
 * The element package's worker source (replaces worker-source.ts in scripts/build-packages.mjs):
 * the workers are prebuilt module scripts under `<asset base>/workers/`, which must be same-origin
 * with the page (browsers refuse cross-origin module workers).
 */
export type WorkerName = 'vision' | 'phone';

export function spawnWorker(name: WorkerName, workerBase?: string): Worker {
  if (!workerBase) throw new Error('the element package loads its workers from an asset base (asset-base attribute)');
  return new Worker(new URL(`${name}-worker.js`, workerBase), { type: 'module', name });
}
