/**
 * tfjs backend initialisation shared by browser workers and Node: the wasm backend, one thread
 * (TOOLCHAIN.md: 2 threads on 2 cores were 2–7× slower; WebGL under --disable-gpu is 10–50× slower).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export interface TfInitOptions {
  /**
   * Where tfjs-backend-wasm{,-simd}.wasm live: a URL prefix ending in "/" in the browser
   * (the demo serves them at /wasm/), a directory path ending in "/" in Node.
   */
  wasmPaths: string;
  /** defaults to 1: threads only hurt on small CPUs (TOOLCHAIN.md) */
  threads?: number;
}

let ready: Promise<void> | undefined;

/** Idempotent: selects the wasm backend once per realm (worker or Node process). */
export function initTf(o: TfInitOptions): Promise<void> {
  ready ??= (async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', (o.threads ?? 1) > 1);
    setWasmPaths(o.wasmPaths);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
  })();
  return ready;
}
