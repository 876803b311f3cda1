/**
 * Video items through the real pipeline: the clip (plus the element tests' "move closer" zoom) as
 * Chromium's fake camera, <liveness-capture> on the demo page with its real workers and models,
 * the real edge verifier (Node, SQLite) and the real matcher (temp SQLite store), one
 * IDENTIFICATION session per item. One browser per item; every wait is bounded.
 *
 * Device decision: the element's on-device checks reached capture (state `uploading`) within
 * `deviceMs` of `capturing`. Server decision: the verdict's liveness ≥ threshold. When the device
 * blocks, the item is played again with a forcing hook installed from the harness (the page's
 * own pipeline keeps running and producing the evidence JPEGs from the camera; only the check
 * results it reports are forged to pass), so the server still scores the real frames. The
 * element's production code is untouched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startVerifier, type RunningVerifier } from '../../edge-verifier/node.ts';
import { startMatcher, type RunningMatcher } from '../../matcher/server.ts';
import { launchChromium } from '../../e2e/lib/browser.ts';
import { startDemoServer, type DemoServer } from '../../e2e/lib/demo-server.ts';
import { makeY4m } from '../../e2e/lib/fixtures.ts';
import { freePort } from '../../e2e/lib/ports.ts';
import { startElement } from '../../e2e/lib/element.ts';
import { createNodeLandmarker, type NodeLandmarker } from '../landmarks.ts';
import { chooseApproachStart, writeApproachY4m } from './approach-camera.ts';
import { DEFAULT_CONFIG } from '../../web-component/config.ts';
import { meshPose } from '../../web-component/checks/geometry.ts';

const API_KEY = 'pad-eval-key';

/** Frames at the still distance before the "move closer" zoom starts (6 s at 25 fps). */
const REST_FRAMES = 150;
/** Camera clip length: the rest, a 1.5 s zoom to 1.45×, 1.5 s held; the fake camera then loops it. */
const CAMERA_SECONDS = 9;
/** A real person's approach and the hold after it: 1.5 s coming closer, 1.5 s held (frames). */
const APPROACH_FRAMES = 75;
/** The earliest the approach may start in a real person's camera clip (4 s). */
const MIN_REST_FRAMES = 100;
/** How much of a real person's clip (played forward and back) the approach's start is chosen from. */
const PERSON_BASE_SECONDS = 15;
/** Frames measured for head pose when choosing where a real person comes closer (every 5th). */
const POSE_STEP = 5;

/** A video's frame size (ffprobe). */
export function videoSize(file: string): { width: number; height: number } {
  const [width, height] = execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]).toString().trim().split(',').map(Number);
  return { width, height };
}

/**
 * The head pose (the device's `meshPose`) of every `step`-th frame of `file` (w×h), in order;
 * null where no face was found.
 */
export async function sampledPoses(file: string, w: number, h: number, lm: NodeLandmarker, step = POSE_STEP): Promise<({ yawDeg: number; pitchDeg: number } | null)[]> {
  const raw = execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-vf', `select='not(mod(n\\,${step}))'`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 2 ** 31 });
  const size = w * h * 3;
  const out: ({ yawDeg: number; pitchDeg: number } | null)[] = [];
  for (let k = 0; (k + 1) * size <= raw.length; k++) {
    const m = await lm.landmarks({ data: new Uint8Array(raw.buffer, raw.byteOffset + k * size, size), width: w, height: h, channels: 3 });
    out.push(m ? meshPose(m.points) : null);
  }
  return out;
}

/**
 * Whether each frame of the y4m `file` (w×h) is within the device's pose limits (yaw 25°, pitch
 * 22°), every POSE_STEP-th frame measured (the others null; a frame without a face is not frontal).
 */
async function frontalFrames(file: string, w: number, h: number, lm: NodeLandmarker): Promise<(boolean | null)[]> {
  const total = Number(execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]).toString().trim());
  const out: (boolean | null)[] = Array.from({ length: total }, () => null);
  const { maxYawDeg, maxPitchDeg } = DEFAULT_CONFIG.face;
  const poses = await sampledPoses(file, w, h, lm);
  for (let k = 0; k < poses.length && k * POSE_STEP < total; k++) {
    const p = poses[k];
    out[k * POSE_STEP] = !!p && Math.abs(p.yawDeg) <= maxYawDeg && Math.abs(p.pitchDeg) <= maxPitchDeg;
  }
  return out;
}

/**
 * The element tests' APPROACH recipe at the clip's own size, with a longer rest: a person who
 * needs a few seconds to satisfy the passive checks (blink, motion) still gets them before the
 * zoom, as a user would take their time before moving closer.
 */
export const approachFilter = (w: number, h: number): string =>
  `zoompan=z='if(lt(on\\,${REST_FRAMES})\\,1\\,min(1+(on-${REST_FRAMES})*0.012\\,1.45))':d=1:s=${w}x${h}:fps=25:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'`;

/**
 * The fake camera's size for a clip: a real camera gives at least 480 px on the short side here,
 * so small face crops (256×256) are scaled up rather than refused as CAMERA_CONSTRAINTS; sizes even for yuv420p.
 */
export function cameraSize(w: number, h: number): { width: number; height: number } {
  const k = Math.max(1, 480 / Math.min(w, h));
  const even = (v: number) => 2 * Math.round(v / 2);
  return { width: even(w * k), height: even(h * k) };
}

/**
 * Writes `out`, the fake camera's y4m for `file`: the clip at the camera size (played forward and
 * back), at rest, then coming closer — 'person' in depth by its own landmarks
 * (pad/eval/approach-camera.ts), 'plane' as one zoomed picture. `lm` is needed for 'person'.
 */
export async function cameraClip(file: string, out: string, approach: 'person' | 'plane', lm?: NodeLandmarker): Promise<string> {
  const size = videoSize(file);
  const { width: w, height: h } = cameraSize(size.width, size.height);
  const name = path.basename(out, '.y4m');
  if (approach === 'plane') return makeY4m(file, name, { seconds: CAMERA_SECONDS, pingPong: true, filter: `scale=${w}:${h},${approachFilter(w, h)}` });
  if (!lm) throw new Error('cameraClip: the person approach needs the landmarker');
  const base = makeY4m(file, `${name}-base`, { seconds: PERSON_BASE_SECONDS, pingPong: true, size: `${w}:${h}` });
  try {
    const start = chooseApproachStart(await frontalFrames(base, w, h, lm), { min: MIN_REST_FRAMES, preferred: REST_FRAMES, window: APPROACH_FRAMES });
    await writeApproachY4m(base, out, { width: w, height: h, restFrames: start, frames: start + APPROACH_FRAMES, gainPerFrame: 0.012, maxGain: 1.45, landmarks: (img) => lm.landmarks(img) });
  } finally {
    rmSync(base, { force: true });
  }
  return out;
}

export interface VideoOutcome {
  deviceAccept: boolean;
  /** instruction codes seen while the device was blocking (last first) */
  deviceCodes: string[];
  /** whether the server score came from a forced capture */
  forced: boolean;
  /** verdict liveness, null when no verdict came back */
  liveness: number | null;
  reasons: string[];
  /** error code when the capture ended in an error instead of a verdict */
  error?: string;
  /** captures the session scored (with `untilComplete`: the server asked for this many − 1 retries) */
  attempts?: number;
  /** the head-turn side the (first, unforced) session asked (with `challengeTurn`) */
  turn?: 'left' | 'right';
  /** the side the forced session asked, when the device blocked */
  forcedTurn?: 'left' | 'right';
  ms: number;
}

export interface VideoRunnerOptions {
  /** time from `capturing` for the device checks to reach capture (default 25 s) */
  deviceMs?: number;
  /** time for the verdict after capture (default 60 s) */
  verdictMs?: number;
  /** time for the page to reach `capturing` (models load in workers; default 90 s) */
  startMs?: number;
  /** session operation (default IDENTIFICATION: with an empty gallery every live capture ends in NO_MATCH; REGISTRATION enrols the subject) */
  operation?: 'IDENTIFICATION' | 'REGISTRATION';
  /**
   * wait for the session's verdict, through the retries the server asks for (as a user would do
   * them), instead of taking the first capture's score (default false: the first score, as eval needs)
   */
  untilComplete?: boolean;
  log?: (s: string) => void;
  /**
   * sessions also ask for a head turn to a random side (the verifier's `challengeTurn`). A recorded
   * clip turns only where it happens to; the forcing hook reports the asked turn so a forced
   * capture still uploads, and the server measures the real frames (CHALLENGE_TURN when the clip did not turn)
   */
  challengeTurn?: boolean;
}

export interface VideoRunner {
  /**
   * One capture session with `file` as the camera. `approach`: how the "move closer" step is
   * played — 'person' (default; a real person's clip: the head comes closer in depth,
   * pad/eval/approach-camera.ts) or 'plane' (an attack clip: the whole picture zoomed, as a screen
   * or a print brought closer)
   */
  run(file: string, subject: string, approach?: 'person' | 'plane'): Promise<VideoOutcome>;
  close(): Promise<void>;
}

interface LcEvent {
  type: string;
  detail: Record<string, unknown>;
}

export async function createVideoRunner(o: VideoRunnerOptions = {}): Promise<VideoRunner> {
  const deviceMs = o.deviceMs ?? 25_000;
  const verdictMs = o.verdictMs ?? 60_000;
  const startMs = o.startMs ?? 90_000;
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-pad-eval-'));
  let demo: DemoServer | undefined;
  let matcher: RunningMatcher | undefined;
  let verifier: RunningVerifier | undefined;
  let lm: NodeLandmarker | undefined;
  const close = async () => {
    lm?.dispose();
    await verifier?.close().catch(() => undefined);
    await matcher?.close().catch(() => undefined);
    await demo?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    demo = await startDemoServer();
    matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true });
    const port = await freePort();
    verifier = await startVerifier({
      port,
      dbPath: path.join(dir, 'verifier.db'),
      env: { VERIFIER_DATA_DIR: dir },
      config: {
        issuer: `http://127.0.0.1:${port}`,
        matcherUrl: matcher.url,
        matcherToken: matcher.token,
        matcherTimeoutMs: 60_000,
        integrators: [{ id: 'pad-eval', apiKey: API_KEY, origins: [demo.url], returnUrls: [`${demo.url}/return.html`], maxAttempts: 5 }],
        rateLimits: { session: { capacity: 50, refillPerSec: 5 } },
        ...(o.challengeTurn ? { challengeTurn: true } : {}),
      },
    });
  } catch (e) {
    await close();
    throw e;
  }
  const stack = { demo: demo!, verifier: verifier! };

  async function session(subject: string): Promise<{ sid: string; token: string; turn?: 'left' | 'right' }> {
    const res = await fetch(`${stack.verifier.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: o.operation ?? 'IDENTIFICATION', subject }),
    });
    if (res.status !== 201) throw new Error(`session creation failed: ${res.status}`);
    const b = (await res.json()) as { sessionId: string; sessionToken: string };
    const claims = decodeJwt(b.sessionToken) as { challenge?: { turn?: 'left' | 'right' } };
    return { sid: b.sessionId, token: b.sessionToken, turn: claims.challenge?.turn };
  }

  /** GET /v1/sessions/:sid as the integrator; null when it does not answer 200. */
  async function sessionOf(sid: string): Promise<{ attempts?: number; summary?: { liveness?: number; reasons?: string[] } | null } | null> {
    const res = await fetch(`${stack.verifier.url}/v1/sessions/${sid}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return res.status === 200 ? ((await res.json()) as Awaited<ReturnType<typeof sessionOf>>) : null;
  }

  /** The session record's summary once the first attempt is scored (a retry keeps it there too). */
  async function summaryOf(sid: string): Promise<{ liveness: number | null; reasons: string[] } | null> {
    const b = await sessionOf(sid);
    if (!b?.summary) return null;
    // a retry before any PAD score (e.g. the server found no face) leaves no liveness: rejected
    return { liveness: typeof b.summary.liveness === 'number' ? b.summary.liveness : null, reasons: b.summary.reasons ?? [] };
  }

  /** Opens the capture page, optionally installs the forcing hook, starts; resolves once `capturing`. */
  async function open(browser: Browser, subject: string, force: boolean): Promise<{ page: Page; sid: string; turn?: 'left' | 'right' }> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`    [page error] ${e.message.slice(0, 200)}`));
    page.on('console', (m) => { if (m.type() === 'error') log(`    [console] ${m.text().slice(0, 200)}`); });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().startsWith(stack.verifier.url)) void r.text().then((t) => log(`    [verifier ${r.status()}] ${new URL(r.url()).pathname} ${t.slice(0, 160)}`), () => undefined);
    });
    const dump = process.env.PAD_EVAL_DUMP;
    if (dump) {
      // debugging aid: keep each capture upload (CBOR: token and evidence JPEGs) for offline scoring
      let n = 0;
      page.on('request', (r) => {
        const body = r.method() === 'POST' && r.url().startsWith(stack.verifier.url) && r.headers()['content-type']?.includes('cbor') ? r.postDataBuffer() : null;
        if (body) writeFileSync(path.join(dump, `${subject}-${n++}.cbor`), body);
      });
    }
    await page.goto(`${stack.demo.url}/capture.html?locale=en`);
    await page.waitForFunction(() => !!customElements.get('liveness-capture'), null, { timeout: 30_000 });
    // tsx (esbuild keepNames) wraps named inner functions in __name(); give the page a no-op one
    await page.evaluate('globalThis.__name ??= (f) => f');
    if (force) await page.evaluate(installForcingHook);
    if (process.env.PAD_EVAL_DEBUG) await page.evaluate(() => {
      const c = (document.querySelector('liveness-capture') as unknown as { capture: { fail(e: unknown): void } }).capture;
      const f = c.fail.bind(c);
      c.fail = (e: unknown) => { console.error(`capture failed: ${e instanceof Error ? e.stack : String(e)}`); f(e); };
    });
    const { sid, token, turn } = await session(subject);
    await startElement(page, token, stack.verifier.url);
    await page.waitForFunction(() => ['capturing', 'uploading', 'complete', 'error'].includes(document.querySelector('liveness-capture')!.state), null, { timeout: startMs });
    return { page, sid, turn };
  }

  const events = (page: Page) => page.evaluate(() => (window.__lc?.events ?? []) as unknown) as Promise<LcEvent[]>;
  const stateOf = (page: Page) => page.evaluate(() => document.querySelector('liveness-capture')!.state as string);

  /**
   * The server's score of the first capture: the verdict when the session ended, else the
   * session record's summary (a retry — e.g. FACE_NOT_LIVE, or NO_MATCH on an empty gallery —
   * stores it there while the element starts over).
   */
  async function verdict(page: Page, sid: string): Promise<Pick<VideoOutcome, 'liveness' | 'reasons' | 'error' | 'attempts'>> {
    const until = Date.now() + verdictMs;
    while (Date.now() < until) {
      const ev = await events(page);
      const done = ev.find((e) => e.type === 'complete');
      if (done) {
        const claims = done.detail.claims as { liveness?: number; reasons?: string[] };
        return { liveness: typeof claims.liveness === 'number' ? claims.liveness : null, reasons: claims.reasons ?? [], attempts: (await sessionOf(sid))?.attempts };
      }
      const sum = o.untilComplete ? null : await summaryOf(sid);
      if (sum) return sum;
      const err = ev.find((e) => e.type === 'error');
      if (err) return { liveness: null, reasons: [], error: `${String(err.detail.code)}: ${String(err.detail.message).slice(0, 100)}` };
      await new Promise((r) => setTimeout(r, 500));
    }
    if (process.env.PAD_EVAL_DEBUG) {
      log(`    [session] ${JSON.stringify(await sessionOf(sid)).slice(0, 400)}`);
    }
    const codes = [...new Set((await events(page)).filter((e) => e.type === 'progress').map((e) => String(e.detail.code)))];
    return { liveness: null, reasons: [], error: `TIMEOUT in state ${await stateOf(page)} (codes ${codes.join(' → ')})` };
  }

  return {
    async run(file, subject, approach = 'person') {
      const t0 = performance.now();
      lm ??= approach === 'person' ? await createNodeLandmarker() : undefined;
      const cam = await cameraClip(file, path.join(dir, `pad-${subject}.y4m`), approach, lm);
      const browser = await launchChromium({ camera: cam });
      try {
        const { page, sid, turn } = await open(browser, subject, false);
        const reached = await page
          .waitForFunction(() => ['uploading', 'complete'].includes(document.querySelector('liveness-capture')!.state) || window.__lc!.events.some((e) => e.type === 'complete'), null, { timeout: deviceMs })
          .then(() => true, () => false);
        const ev = await events(page);
        const codes = [...new Set(ev.filter((e) => e.type === 'progress').map((e) => String(e.detail.code)).reverse())];
        if (reached) {
          const v = await verdict(page, sid);
          return { deviceAccept: true, deviceCodes: [], forced: false, ...v, turn, ms: performance.now() - t0 };
        }
        log(`    device blocked (${await stateOf(page)}; codes ${codes.slice(0, 4).join(', ')}); forcing capture`);
        await page.close();
        const forced = await open(browser, `${subject}-forced`, true);
        const v = await verdict(forced.page, forced.sid);
        return { deviceAccept: false, deviceCodes: codes, forced: true, ...v, turn, forcedTurn: forced.turn, ms: performance.now() - t0 };
      } finally {
        await browser.close().catch(() => undefined);
        rmSync(cam, { force: true });
      }
    },
    close,
  };
}

/**
 * Runs in the page before start(): wraps the element's own pipeline so every check it reports
 * passes (values kept where finite), one face is reported with a scripted approach; the real
 * pipeline still runs and encodes the camera's frames as evidence. Same idea as the attack e2e tests' forged results.
 */
function installForcingHook(): void {
  type Geo = { faceWidthPx: number; interOcularPx: number; cx: number; cy: number; ratios: number[]; yawDeg?: number };
  type Res = { t: number; faces: number; checks: Record<string, { pass: boolean; value: number; code?: string } | undefined>; geometry?: Geo };
  type Port = { start(v: unknown, t: unknown): Promise<void>; stop(): void; dispose?(): void; onResult(cb: (r: Res) => void): () => void; captureJpeg(q: number): Promise<unknown> };
  const el = document.querySelector('liveness-capture') as unknown as { pipelineFactory: (o: unknown) => Promise<Port> };
  const real = el.pipelineFactory;
  el.pipelineFactory = async (opts: unknown) => {
    const p = await real(opts);
    let approachAt: number | null = null;
    let turning = false;
    let lastGeometry: Geo | undefined;
    (el as unknown as HTMLElement).addEventListener('liveness-progress', (e) => {
      const phase = (e as CustomEvent<{ phase: string }>).detail.phase;
      turning = phase === 'turn';
      if (phase === 'approach') approachAt ??= performance.now();
      else if (phase === 'passive') approachAt = null;
    });
    // the head turn the session asked: reported as done, 20° that way (the server reads the real frame)
    const asked = () => (el as unknown as { capture?: { claims?: { challenge?: { turn?: 'left' | 'right' } } } }).capture?.claims?.challenge?.turn;
    const defaults: Record<string, number> = { face: 1, eyes: 0.3, phone: 0, lighting: 120, distance: 40, liveness: 80 };
    return {
      start: (v: unknown, t: unknown) => p.start(v, t),
      stop: () => p.stop(),
      dispose: () => p.dispose?.(),
      captureJpeg: (q: number) => p.captureJpeg(q).catch((e: unknown) => { console.error(`forced: captureJpeg failed: ${String(e)}`); throw e; }),
      onResult(cb: (r: Res) => void) {
        return p.onResult((r) => {
          const checks: Res['checks'] = {};
          for (const [k, d] of Object.entries(defaults)) {
            // the capture claims' schema takes finite numbers only (a failing check may carry NaN)
            const value = r.checks[k]?.value;
            checks[k] = { pass: true, value: typeof value === 'number' && Number.isFinite(value) ? value : d };
          }
          // the face's geometry is the pipeline's own wherever it found a face, so the element
          // takes its near frame when the camera's person has really come closer (the server
          // checks the far/near frames against the challenge with its own landmarks); a frame
          // without a face repeats the last one found. Only a clip whose face the pipeline never
          // finds gets a scripted one: steady until the element asks to move closer, then
          // growing 1.5× in 1 s
          if (r.geometry) lastGeometry = r.geometry;
          const dt = approachAt === null ? 0 : performance.now() - approachAt;
          const wpx = Math.min(300, 200 + dt * 0.1);
          const found: Geo = lastGeometry ?? { faceWidthPx: wpx, interOcularPx: wpx * 0.4, cx: 0.5, cy: 0.45, ratios: [1 + (wpx - 200) / 2000, 1.3] };
          const side = turning ? asked() : undefined;
          const geometry: Geo = side ? { ...found, yawDeg: side === 'left' ? 20 : -20 } : found;
          try {
            cb({ ...r, faces: 1, checks, geometry });
          } catch (e) {
            console.error(`forced: result handler failed: ${String(e)}`);
            throw e;
          }
        });
      },
    };
  };
}
