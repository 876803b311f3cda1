/**
 * Entry of one extraction worker thread (extraction/worker-pool.ts starts it): its own extractor,
 * answering forwarded Extractor calls and whole POST /liveness and /liveness/image scorings, one message each.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { KitError } from '../../protocol/index.ts';
import { analyseImage, type ObjectsElsewhere } from '../image-liveness/analyse-image.ts';
import type { DetectedObject } from '../../vision/types.ts';
import { scoreLiveness } from '../liveness/server-pad.ts';
import { createExtractor, type Extractor } from './extractor.ts';
import { decodeImage, setMaxImagePixels } from './image-decode.ts';
import { FORWARDED_METHODS, type ObjectsMessage, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-pool.ts';

/** Niceness of this thread: inference yields the CPU to the HTTP thread, so /live and 503s stay prompt. */
const WORKER_NICE = 10;

/** Results hand large buffers (decoded pixels) over instead of copying them; Node still copies the ones it cannot detach (sharp's). */
const TRANSFER_MIN_BYTES = 64 * 1024;

/** Whole-buffer ArrayBuffers of at least TRANSFER_MIN_BYTES in a result: never a view into a shared pool. */
function transferables(x: unknown, out = new Set<ArrayBuffer>(), depth = 0): ArrayBuffer[] {
  if (depth > 8 || x === null || typeof x !== 'object') return [...out];
  if (ArrayBuffer.isView(x)) {
    const b = x.buffer;
    if (b instanceof ArrayBuffer && x.byteOffset === 0 && x.byteLength === b.byteLength && b.byteLength >= TRANSFER_MIN_BYTES) out.add(b);
  } else {
    for (const v of Array.isArray(x) ? x : Object.values(x)) transferables(v, out, depth + 1);
  }
  return [...out];
}

const port = parentPort;
if (!port) throw new Error('extraction-worker.ts runs as a worker thread (see worker-pool.ts)');
const init = workerData as WorkerInit;
const methods: ReadonlySet<string> = new Set(FORWARDED_METHODS);
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** The detections another worker posts on `port` (an 'objects' request); rejects if it closes without them. */
function objectsFrom(port: MessagePort): ObjectsElsewhere {
  const got = new Promise<DetectedObject[]>((resolve, reject) => {
    port.once('message', (m: ObjectsMessage) => ('objects' in m ? resolve(m.objects) : reject(new Error(m.error))));
    port.once('close', () => reject(new Error('the objects worker went away')));
  });
  got.catch(() => undefined).finally(() => port.close());
  return () => got;
}

/** Decodes the image and posts its COCO detections to the worker answering the same 'image' request. */
async function postObjects(extractor: Extractor, image: Uint8Array, port: MessagePort): Promise<null> {
  try {
    const objects = await extractor.detectObjects(await decodeImage(image));
    port.postMessage({ objects } satisfies ObjectsMessage);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies ObjectsMessage);
  } finally {
    port.close();
  }
  return null;
}

async function answer(extractor: Extractor, req: WorkerRequest): Promise<unknown> {
  if (req.kind === 'liveness') return scoreLiveness(extractor, req.body, req.options);
  if (req.kind === 'image') return analyseImage(extractor, req.body, req.options, req.objects ? objectsFrom(req.objects) : undefined);
  if (req.kind === 'objects') return postObjects(extractor, req.image, req.port);
  if (!methods.has(req.method)) throw new Error(`not a forwarded extractor method: ${String(req.method)}`);
  const fn = extractor[req.method] as (...args: unknown[]) => Promise<unknown>;
  return fn(...req.args);
}

// Linux only: a thread's id from /proc/thread-self, and setpriority on it renices that thread alone
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICE);
} catch { /* elsewhere the worker keeps the process's priority */ }

if (init.maxImagePixels) setMaxImagePixels(init.maxImagePixels);
const extractor = createExtractor({ quality: init.quality });

// listen before the models load: requests sent meanwhile wait for them instead of being lost
port.on('message', (req: WorkerRequest) => {
  extractor.then((ex) => answer(ex, req)).then(
    (value) => {
      try {
        post({ kind: 'ok', id: req.id, value }, transferables(value));
      } catch (e) {
        post({ kind: 'error', id: req.id, error: { name: 'DataCloneError', message: e instanceof Error ? e.message : String(e) } });
      }
    },
    (e: unknown) => post({
      kind: 'error', id: req.id,
      error: e instanceof KitError ? { code: e.code, name: e.name, message: e.message } : { name: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : 'error' },
    }),
  );
});

extractor.then(
  (ex) => {
    post({ kind: 'ready', info: { model: ex.model, version: ex.version, dims: ex.dims, finderSource: ex.finderSource } });
    if (!init.warmObjects) return post({ kind: 'warmed' });
    // the PAD's object detector loads on first use: load it now so the first POST /liveness stays fast
    ex.detectObjects({ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 }).finally(() => post({ kind: 'warmed' })).catch(() => undefined);
  },
  (e: unknown) => {
    // the pool terminates us on this message (and replaces us, with backoff)
    post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  },
);
