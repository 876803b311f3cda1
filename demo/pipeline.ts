// Test/bench page for the vision pipeline: runs VisionPipeline on the camera, draws the face box,
// and exposes results on window.__vision (browser tests) and window.__visionBench (?bench=1).
import { VisionPipeline, type FrameResult } from '../web-component/pipeline/index.ts';
import { CHECK_NAMES } from '../protocol/index.ts';

export interface VisionPageState {
  ready: boolean;
  error?: string;
  /** results received */
  results: number;
  /** per check: how often each outcome ("ok" or the error code) was seen */
  outcomes: Record<string, Record<string, number>>;
  /** histogram of face counts */
  faceCounts: Record<string, number>;
  last?: Omit<FrameResult, 'detections' | 'eyes'>;
  distances: number[];
  stats?: VisionPipeline['stats'];
  /** performance.now() (from navigation start) when the first checked frame arrived: time to first guidance */
  firstResultMs?: number;
  /** performance.now() at the steps before it (time-to-guidance breakdown) */
  marks: Record<string, number>;
}

export interface VisionBench {
  done: boolean;
  seconds: number;
  fps: number;
  processed: number;
  dropped: number;
  frames: number;
  phoneRuns: number;
  vision: Record<string, number[]>;
  phone: number[];
  transfer: { emptyMs: number[]; bitmapMs: number[]; createMs: number[] };
}

declare global {
  interface Window {
    __vision?: VisionPageState;
    __visionBench?: VisionBench;
    __pipeline?: VisionPipeline;
  }
}

const params = new URLSearchParams(location.search);
const video = document.getElementById('preview') as HTMLVideoElement;
const overlay = document.getElementById('overlay') as HTMLCanvasElement;
const status = document.getElementById('status')!;
const checksEl = document.getElementById('checks')!;
const state: VisionPageState = { ready: false, results: 0, outcomes: {}, faceCounts: {}, distances: [], marks: { script: performance.now() } };
window.__vision = state;

function draw(r: FrameResult): void {
  overlay.width = r.width;
  overlay.height = r.height;
  const g = overlay.getContext('2d')!;
  g.clearRect(0, 0, r.width, r.height);
  g.lineWidth = 3;
  for (const f of r.detections) {
    g.strokeStyle = r.checks.face.pass ? '#2e7d32' : '#c62828';
    g.strokeRect(f.box.x, f.box.y, f.box.w, f.box.h);
  }
  g.strokeStyle = '#f9a825';
  for (const o of r.objects ?? []) g.strokeRect(o.box.x, o.box.y, o.box.w, o.box.h);
}

function onResult(r: FrameResult): void {
  state.firstResultMs ??= performance.now();
  state.results++;
  state.faceCounts[r.faces] = (state.faceCounts[r.faces] ?? 0) + 1;
  for (const name of CHECK_NAMES) {
    const c = r.checks[name];
    if (!c) continue;
    const k = c.pass ? 'ok' : (c.code ?? 'fail');
    (state.outcomes[name] ??= {})[k] = (state.outcomes[name]?.[k] ?? 0) + 1;
  }
  if (r.distanceCm !== undefined) state.distances.push(Math.round(r.distanceCm * 10) / 10);
  const { detections: _d, eyes: _e, ...rest } = r;
  state.last = rest;
  state.stats = window.__pipeline?.stats;
  draw(r);
  checksEl.textContent = CHECK_NAMES.map((n) => {
    const c = r.checks[n];
    return `${n.padEnd(9)} ${c ? (c.pass ? 'ok  ' : 'FAIL') : '…   '} ${c ? c.value.toFixed(1) : ''} ${c?.code ?? ''}`;
  }).join('\n');
}

async function bench(p: VisionPipeline, seconds: number): Promise<void> {
  // warm-up: every model loaded (the phone detector comes after the first frame), then 2 s for the
  // models to JIT and the pump to settle before measuring
  await p.loaded();
  await new Promise((r) => setTimeout(r, 2000));
  const s0 = p.stats;
  // the workers keep every step's history since start: only the window's own samples are reported
  // (the first seconds also load the phone detector and iris, which the window's fps leaves out too)
  const before = await p.workerTimings();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s1 = p.stats;
  const dt = (performance.now() - t0) / 1000;
  const after = await p.workerTimings();
  const vision = Object.fromEntries(Object.entries(after.vision).map(([k, xs]) => [k, xs.slice(before.vision[k]?.length ?? 0)]));
  const phone = after.phone.slice(before.phone.length);
  p.stop();
  const transfer = await measureTransferStopped(p);
  window.__visionBench = {
    done: true,
    seconds: dt,
    fps: (s1.processed - s0.processed) / dt,
    processed: s1.processed - s0.processed,
    dropped: s1.dropped - s0.dropped,
    frames: s1.frames - s0.frames,
    phoneRuns: s1.phoneRuns - s0.phoneRuns,
    vision,
    phone,
    transfer,
  };
}

// transfer overhead measured with the pump stopped, so the worker is idle
function measureTransferStopped(p: VisionPipeline): ReturnType<VisionPipeline['measureTransfer']> {
  return p.measureTransfer(60);
}

async function main(): Promise<void> {
  // as <liveness-capture> does: the workers and models load while the camera opens
  // the content-hashed copy of /models and /wasm (vite.config.ts): cached for good after a first visit
  const p = new VisionPipeline({ modelBase: `${__DEMO_KIT_ASSETS__}models`, wasmBase: `${__DEMO_KIT_ASSETS__}wasm/`, phone: params.get('phone') !== '0' });
  window.__pipeline = p;
  p.init().then(() => (state.marks.models = performance.now()), () => undefined); // its failure is reported by start() below
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } } });
  } catch (e) {
    status.textContent = `Camera unavailable: ${(e as Error).name}`;
    state.error = (e as Error).name;
    return;
  }
  state.marks.camera = performance.now();
  video.srcObject = stream;
  await video.play();
  state.marks.playing = performance.now();
  p.onResult(onResult);
  try {
    await p.start(video, stream.getVideoTracks()[0]);
  } catch (e) {
    status.textContent = `Pipeline failed: ${(e as Error).message}`;
    state.error = (e as Error).message;
    return;
  }
  state.ready = true;
  status.textContent = 'Running';
  if (params.has('bench')) void bench(p, Number(params.get('seconds') ?? 10));
}

void main();
