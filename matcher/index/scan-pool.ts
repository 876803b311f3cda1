/**
 * Threads for the int8 scan: one 1:N query's rows are split between the calling thread and
 * `threads − 1` workers, all running the same WebAssembly SIMD kernel over one shared wasm memory
 * (no copy). The call stays synchronous: the caller scans its share, then waits on an Atomics
 * flag for the workers' (microseconds of hand-off against milliseconds of scan). The workers run
 * plain JS (no loader), get the compiled kernel module in workerData and each gallery's memory by
 * message, read synchronously when a job arrives.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { sharedSimdModule } from './int8-dot-wasm.ts';

// ctrl cells: 0 state (0 idle, 1 go, 2 done, 3 exit) · 1 memory id · 2 q · 3 m · 4 n · 5 dims · 6 out
const IDLE = 0, GO = 1, DONE = 2, EXIT = 3;

const WORKER = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { module, ctrl, port } = workerData;
const c = new Int32Array(ctrl);
const kernels = new Map();
for (;;) {
  // run only on GO: after DONE the caller resets to IDLE, and a stale DONE must not start the job again
  let s;
  while ((s = Atomics.load(c, 0)) !== ${GO} && s !== ${EXIT}) Atomics.wait(c, 0, s);
  if (s === ${EXIT}) break;
  for (let m; (m = receiveMessageOnPort(port)); ) {
    const { id, memory } = m.message;
    kernels.set(id, new WebAssembly.Instance(module, { env: { mem: memory } }).exports.dot);
  }
  const dot = kernels.get(c[1]);
  if (dot) dot(c[2], c[3], c[4], c[5], c[6]);
  Atomics.store(c, 0, ${DONE});
  Atomics.notify(c, 0);
}
`;

interface Lane {
  worker: Worker;
  ctrl: Int32Array;
  port: MessagePort;
}

export class ScanPool {
  private readonly lanes: Lane[] = [];
  private nextId = 1;
  private readonly ids = new WeakMap<WebAssembly.Memory, number>();

  /** `threads`: scanning threads in all, this one included (≥ 2 to be useful). */
  constructor(readonly threads: number) {
    const module = sharedSimdModule();
    if (!module) throw new Error('WebAssembly SIMD with shared memory is unavailable');
    for (let i = 1; i < threads; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
      const ch = new MessageChannel();
      const worker = new Worker(WORKER, { eval: true, workerData: { module, ctrl: ctrl.buffer, port: ch.port2 }, transferList: [ch.port2] });
      worker.unref();
      this.lanes.push({ worker, ctrl, port: ch.port1 });
    }
  }

  /** Registers a shared memory with every worker (once per memory; delivered before its first job). */
  attach(memory: WebAssembly.Memory): number {
    let id = this.ids.get(memory);
    if (id !== undefined) return id;
    id = this.nextId++;
    this.ids.set(memory, id);
    for (const l of this.lanes) l.port.postMessage({ id, memory });
    return id;
  }

  /**
   * scores[r] for every row in [0, n): this thread scans the first share with `local`, each worker
   * one of the others; returns when all are written.
   */
  scan(memory: WebAssembly.Memory, local: (m: number, n: number, out: number) => void, q: number, matrixAt: number, n: number, dims: number, out: number): void {
    const id = this.attach(memory);
    const parts = Math.min(this.threads, Math.max(1, Math.floor(n / 1024)));
    const per = Math.ceil(n / parts);
    const used = this.lanes.slice(0, parts - 1);
    used.forEach((l, i) => {
      const start = (i + 1) * per;
      const count = Math.max(0, Math.min(per, n - start));
      const c = l.ctrl;
      c[1] = id; c[2] = q; c[3] = matrixAt + start * dims; c[4] = count; c[5] = dims; c[6] = out + start * 4;
      Atomics.store(c, 0, GO);
      Atomics.notify(c, 0);
    });
    local(matrixAt, Math.min(per, n), out);
    for (const l of used) {
      while (Atomics.load(l.ctrl, 0) !== DONE) Atomics.wait(l.ctrl, 0, GO, 1000);
      Atomics.store(l.ctrl, 0, IDLE);
    }
  }

  close(): void {
    for (const l of this.lanes) {
      Atomics.store(l.ctrl, 0, EXIT);
      Atomics.notify(l.ctrl, 0);
      l.port.close();
    }
  }
}

let pool: ScanPool | null | undefined;

/**
 * The process's scan pool: MATCHER_SCAN_THREADS threads (default: the machine's cores, at most 8);
 * null with one thread or without shared-memory SIMD.
 */
export function scanPool(): ScanPool | null {
  if (pool !== undefined) return pool;
  const want = Number(process.env.MATCHER_SCAN_THREADS ?? Math.min(8, availableParallelism()));
  try {
    pool = Number.isInteger(want) && want >= 2 ? new ScanPool(want) : null;
  } catch {
    pool = null;
  }
  return pool;
}
