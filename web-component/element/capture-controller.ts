/**
 * Runs one capture for a host element: session → camera → pipeline → flow → evidence → signed
 * capture token → verifier → verdict. Everything stateful lives here so the element only renders.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { decodeJwt } from 'jose';
import {
  KitError, isErrorCode, type CameraSignals, type CheckName, type CheckResult, type ErrorCode, type SessionClaims,
} from '../../protocol/index.ts';
import { EvidenceCollector } from '../capture/evidence-collector.ts';
import { generatePopKey } from '../capture/pop-key.ts';
import { submitCapture } from '../capture/submit-capture.ts';
import { CameraController } from './camera-controller.ts';
import { CaptureFlow, DEFAULT_FLOW_CONFIG, type FlowConfig, type FlowView } from './capture-flow.ts';
import type { FaceGeometry, FrameResult, PipelineFactory, PipelinePort } from './pipeline-port.ts';
import type { DevicePad } from '../pipeline/types.ts';
import { readSessionToken } from './session-token.ts';
import type { AssetUrls } from './asset-urls.ts';

export type CaptureState = 'idle' | 'starting' | 'capturing' | 'uploading' | 'complete' | 'error' | 'cancelled';

export interface ProgressDetail {
  state: CaptureState;
  phase: FlowView['phase'];
  code: ErrorCode;
  message: string;
  /** 0–1 */
  progress: number;
  checks: Partial<Record<CheckName, CheckResult>>;
}

export interface CompleteDetail {
  /** the verdict JWT; relying parties verify it against the verifier's JWKS */
  verdict: string;
  sessionId: string;
  status: 1 | 2 | 3 | 4 | 5;
  response?: 200 | 201;
  /** one-time code for redirects, when the verifier issues one */
  code?: string;
  /** unverified decoded verdict payload, for display only */
  claims: Record<string, unknown>;
}

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  /** the user can press retry */
  retryable: boolean;
  /** for APPROACH_NOT_COMPLETED and CAPTURE_TIMEOUT: the guidance code shown last (what the person could not do) */
  reason?: ErrorCode;
}

/** What the controller needs from its element. */
export interface CaptureHost extends ReactiveControllerHost {
  readonly session: string | null;
  readonly verifier: string | null;
  readonly evidenceCount: number;
  readonly jpegQuality: number;
  readonly flowConfig: Partial<FlowConfig>;
  readonly config: Record<string, unknown> | undefined;
  /** where the pipeline's workers, models and wasm are served */
  assets(): AssetUrls;
  readonly pipelineFactory: PipelineFactory;
  readonly refuseVirtualCamera: boolean;
  videoElement(): Promise<HTMLVideoElement>;
  message(code: ErrorCode | string): string;
  emitProgress(d: ProgressDetail): void;
  emitComplete(d: CompleteDetail): void;
  emitError(d: ErrorDetail): void;
  emitCancel(): void;
}

const NOT_RETRYABLE = new Set<ErrorCode>(['SESSION_TOKEN_INVALID', 'SESSION_EXPIRED', 'SESSION_USED', 'ATTEMPTS_EXCEEDED', 'ORIGIN_NOT_ALLOWED', 'NONCE_REUSED']);

export class CaptureController implements ReactiveController {
  state: CaptureState = 'idle';
  view: FlowView = { phase: 'passive', code: 'FACE_NOT_FOUND', progress: 0 };
  error: ErrorDetail | null = null;
  checks: Partial<Record<CheckName, CheckResult>> = {};
  claims: SessionClaims | null = null;
  private popKey: { sid: string; key: Awaited<ReturnType<typeof generatePopKey>> } | null = null;

  /** the session's expiry (ms since the epoch) once a session token was read */
  expiresAt: number | null = null;
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;

  private readonly camera: CameraController;
  private pipeline: PipelinePort | null = null;
  private pipelineKey = '';
  private pipelineFactory: PipelineFactory | null = null;
  private unsubscribe: (() => void) | null = null;
  private flow: CaptureFlow | null = null;
  private collector: EvidenceCollector | null = null;
  private nonce = '';
  private nonceSession: string | null = null;
  /** performance.now() when this run's pipeline was started */
  private t0 = 0;
  /** what a frame's `t` is measured from in this run; fixed by the run's first frame (see `frameTime`) */
  private timeOrigin: number | null = null;
  private farChecks: Partial<Record<CheckName, CheckResult>> = {};
  private pipelineSignals: Partial<CameraSignals> = {};
  private lastEmit = { code: '', phase: '', progress: -1, t: 0 };
  private run = 0;
  /** settles once every grab so far has reached the collector (see grab) */
  private grabs: Promise<void> = Promise.resolve();
  private abort: AbortController | null = null;
  /** the on-device PAD turned a capture down in this run: the next one goes to the server as is */
  private devicePadRejected = false;
  /** the verdict's status and response once complete (what the element tells the person) */
  outcome: { status: CompleteDetail['status']; response?: 200 | 201 } | null = null;
  /** the on-device PAD's result for the last evidence set (guidance and risk only; never uploaded) */
  devicePad: DevicePad | null = null;
  /** the camera's video and track of the current run (the live loop resumes on them) */
  private media: { video: HTMLVideoElement; track: MediaStreamTrack } | null = null;

  constructor(private readonly host: CaptureHost) {
    this.camera = new CameraController(host, { refuseVirtual: host.refuseVirtualCamera });
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
    this.release();
  }

  /** Ends the workers and frees the models (terminal states that allow no retry, and disconnect). */
  private release(): void {
    this.pipeline?.dispose?.();
    this.pipeline = null;
  }

  /** Seconds left in the session while a capture runs (null when unknown or idle). */
  get remainingS(): number | null {
    return this.expiresAt === null ? null : Math.max(0, Math.ceil((this.expiresAt - Date.now()) / 1000));
  }

  /** Ends the capture when the session expires (camera off, SESSION_EXPIRED) and ticks the countdown. */
  private watchExpiry(run: number): void {
    this.clearTimers();
    if (this.expiresAt === null) return;
    // setTimeout's limit is 2^31-1 ms; a session token is valid for minutes
    const left = Math.min(this.expiresAt - Date.now(), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      if (run === this.run && this.busy) this.fail(new KitError('SESSION_EXPIRED'));
    }, Math.max(0, left));
    this.tick = setInterval(() => {
      if (run === this.run && (this.remainingS ?? Infinity) <= 60) this.host.requestUpdate();
    }, 1000);
  }

  private clearTimers(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.tick) clearInterval(this.tick);
    this.expiryTimer = null;
    this.tick = null;
  }

  /** preview aspect ratio "w / h" once the camera is open */
  get aspect(): string | null {
    const s = this.camera.signals;
    return s?.width && s?.height ? `${s.width} / ${s.height}` : null;
  }

  /** preview width / height once the camera is open */
  get aspectRatio(): number {
    const s = this.camera.signals;
    return s?.width && s?.height ? s.width / s.height : 0.75;
  }

  get busy(): boolean {
    return this.state === 'starting' || this.state === 'capturing' || this.state === 'uploading';
  }

  /** Starts (or restarts) a capture. */
  async start(): Promise<void> {
    if (this.busy) return;
    const run = ++this.run;
    this.error = null;
    this.outcome = null;
    this.set('starting');
    try {
      this.claims = readSessionToken(this.host.session);
      this.expiresAt = this.claims.exp * 1000;
      this.watchExpiry(run);
      if (!this.host.verifier) throw new KitError('BAD_REQUEST', 'verifier URL missing');
      // a retryable server answer replaces the nonce for the same session; a new session resets it
      if (this.nonceSession !== this.host.session) {
        this.nonce = this.claims.nonce;
        this.nonceSession = this.host.session;
      }
      const video = await this.host.videoElement();
      const oval = this.claims.challenge.oval;
      const options = {
        ...this.host.assets(),
        // the session's oval is the guide the face check measures against
        config: { ...(this.host.config ?? {}), face: { ...((this.host.config?.face as object) ?? {}), guide: oval } },
      };
      // the workers and models load while the camera opens (permission prompt, device start); a
      // camera that fails is reported first, a pipeline that fails once the camera is open
      const pipelineReady = this.ensurePipeline(options);
      pipelineReady.catch(() => undefined);
      const track = await this.camera.open(video);
      if (run !== this.run) return;
      const pipeline = await pipelineReady;
      if (run !== this.run) return;
      const flowCfg = { ...DEFAULT_FLOW_CONFIG, ...this.host.flowConfig };
      this.flow = new CaptureFlow(this.claims.challenge, flowCfg);
      this.collector = new EvidenceCollector({ count: this.host.evidenceCount, minFacePx: flowCfg.minEvidenceFacePx });
      this.devicePadRejected = false;
      this.devicePad = null;
      this.t0 = performance.now();
      this.timeOrigin = null;
      this.unsubscribe?.();
      this.unsubscribe = pipeline.onResult((r) => this.onFrame(run, r));
      this.media = { video, track };
      await pipeline.start(video, track);
      if (run !== this.run) return;
      this.set('capturing');
      // guidance runs from here; a model that loads later (the phone detector) and fails ends the capture
      pipeline.loaded?.().catch((e: unknown) => {
        if (run === this.run) this.fail(e);
      });
    } catch (e) {
      if (run === this.run) this.fail(e);
    }
  }

  /** The pipeline for `options`: the one kept from an earlier run when they are the same. */
  private async ensurePipeline(options: Parameters<PipelineFactory>[0]): Promise<PipelinePort> {
    const key = JSON.stringify(options);
    if (this.pipeline && (key !== this.pipelineKey || this.host.pipelineFactory !== this.pipelineFactory)) {
      this.pipeline.dispose?.();
      this.pipeline = null;
    }
    if (!this.pipeline) {
      this.pipelineFactory = this.host.pipelineFactory;
      this.pipelineKey = key;
      this.pipeline = await this.pipelineFactory(options);
    }
    return this.pipeline;
  }

  /** Stops camera and pipeline; no event. */
  stop(): void {
    this.run++;
    this.clearTimers();
    this.abort?.abort();
    this.unsubscribe?.();
    this.unsubscribe = null;
    // the pipeline (workers, loaded models) is kept for a retry; disposed on disconnect
    this.pipeline?.stop();
    this.camera.close();
  }

  cancel(): void {
    const was = this.state;
    this.stop();
    this.set('cancelled');
    if (was !== 'cancelled') this.host.emitCancel();
  }

  async retry(): Promise<void> {
    this.stop();
    this.state = 'idle';
    await this.start();
  }

  private set(s: CaptureState): void {
    this.state = s;
    this.host.requestUpdate();
  }

  /** Puts the element in the error state with `code` (e.g. the embed page refusing its parent). */
  failWith(code: ErrorCode): void {
    this.fail(new KitError(code));
  }

  private fail(e: unknown, reason?: ErrorCode): void {
    const err = e instanceof KitError ? e : new KitError('INTERNAL', 'capture failed');
    const code = isErrorCode(err.code) ? err.code : 'INTERNAL';
    this.stop();
    const retryable = !NOT_RETRYABLE.has(code);
    // nothing more can happen in this session: the workers go too (a retry keeps them loaded)
    if (!retryable) this.release();
    this.error = { code, message: this.host.message(code), retryable, ...(reason ? { reason } : {}) };
    this.set('error');
    this.host.emitError(this.error);
  }

  private onFrame(run: number, r: FrameResult): void {
    if (run !== this.run || this.state !== 'capturing' || !this.flow) return;
    const t = this.frameTime(r.t);
    const frame = { ...r, t };
    this.checks = { ...this.checks, ...r.checks };
    if (r.camera) this.pipelineSignals = { ...this.pipelineSignals, ...r.camera };
    const action = this.flow.push(frame);
    this.view = this.flow.view;
    this.maybeEmitProgress(t);
    this.host.requestUpdate();
    if (action.kind === 'restart') this.collector?.clear();
    if (action.kind === 'fail') return this.fail(new KitError(action.code), action.reason);
    if (action.kind !== 'grab') return;
    if (action.role === 'far') this.farChecks = { ...this.checks };
    void this.grab(run, action);
  }

  /**
   * A frame's time in ms since capture start. `FrameResult.t` is performance.now() (the vision
   * pipeline: frames come after `t0`) or a clock of the pipeline's own (e.g. video time, which
   * starts before `t0`). Which one is decided once, on the run's first frame: deciding per frame
   * mixed the two bases whenever `t0` fell inside the frames' range, so time jumped backwards and
   * the flow's stable window never filled.
   */
  private frameTime(t: number): number {
    this.timeOrigin ??= t >= this.t0 ? this.t0 : t;
    return Math.max(0, t - this.timeOrigin);
  }

  private maybeEmitProgress(t: number): void {
    const v = this.view;
    const e = this.lastEmit;
    if (v.code === e.code && v.phase === e.phase && Math.abs(v.progress - e.progress) < 0.05 && t - e.t < 500) return;
    this.lastEmit = { code: v.code, phase: v.phase, progress: v.progress, t };
    this.host.emitProgress({ state: this.state, phase: v.phase, code: v.code, message: this.host.message(v.code), progress: v.progress, checks: this.checks });
  }

  /**
   * Grabs the frame as evidence. Each grab encodes at once, but frames join the collector in the
   * order they were grabbed: the `turn` frame comes a frame or two after `near`, and an encoding
   * that finished out of order would otherwise complete the evidence without its `near` frame.
   */
  private async grab(
    run: number,
    a: { role: 'far' | 'near' | 'turn' | 'candidate'; t: number; quality: number; faceWidthPx: number; phase: 'passive' | 'approach'; complete?: boolean },
  ): Promise<void> {
    const pipeline = this.pipeline;
    if (!pipeline || !this.collector) return;
    const encoded = pipeline.captureJpeg(this.host.jpegQuality);
    const before = this.grabs;
    let added!: () => void;
    this.grabs = new Promise<void>((r) => (added = r));
    try {
      const jpeg = await encoded;
      await before;
      if (run !== this.run || !this.collector) return;
      this.collector.add({ ...jpeg, t: Math.round(a.t), quality: a.quality, faceWidthPx: a.faceWidthPx, phase: a.phase, role: a.role });
      added();
      if (a.complete) await this.finish(run, this.flow!.approachEvidence());
    } catch (e) {
      if (run === this.run) this.fail(e);
    } finally {
      added();
    }
  }

  /**
   * Early rejection: the server's fused PAD run on device over the evidence about to be uploaded.
   * Once per run a capture it finds not live is dropped and taken again (FACE_NOT_LIVE guidance);
   * after that the evidence goes to the server, which recomputes everything and decides. A device
   * without the PAD (or a failure in it) uploads as before.
   */
  private async rejectedOnDevice(run: number, frames: readonly { bytes: Uint8Array; t: number; evidenceRole: string }[]): Promise<boolean> {
    const pad = this.pipeline?.pad;
    if (!pad) return false;
    this.devicePad = await pad.call(this.pipeline, frames.map((f) => ({ bytes: f.bytes, t: f.t, role: f.evidenceRole }))).catch(() => null);
    if (run !== this.run) return true;
    if (!this.devicePad || this.devicePad.live || this.devicePadRejected) return false;
    this.devicePadRejected = true;
    this.collector!.clear();
    this.flow!.reset();
    this.view = { phase: 'passive', code: 'FACE_NOT_LIVE', progress: 0 };
    this.set('capturing');
    this.host.emitProgress({ state: 'capturing', phase: 'passive', code: 'FACE_NOT_LIVE', message: this.host.message('FACE_NOT_LIVE'), progress: 0, checks: this.checks });
    return true;
  }

  /** Restarts the live loop paused by finish() (the same camera and workers). */
  private async resume(run: number): Promise<void> {
    if (run !== this.run || !this.pipeline || !this.media) return;
    await this.pipeline.start(this.media.video, this.media.track);
  }

  private async finish(run: number, approach: { scaleGain: number; ratioChange: number }): Promise<void> {
    const claims = this.claims!;
    const frames = this.collector!.select();
    // the live loop pauses while the device PAD and the upload run: the vision worker is theirs
    // alone (measured: capture → upload 1.0–1.35 s with the loop running); a capture taken again
    // resumes it
    this.pipeline?.stop();
    if (await this.rejectedOnDevice(run, frames)) return this.resume(run);
    this.set('uploading');
    this.host.emitProgress({ state: 'uploading', phase: 'done', code: 'HOLD_STILL', message: this.host.message('HOLD_STILL'), progress: 1, checks: this.checks });
    const camera: CameraSignals = {
      virtual: false,
      nonCamera: false,
      timingAnomaly: false,
      ...this.camera.signals,
      ...this.pipelineSignals,
    };
    // one key per session: the verifier binds it on the first upload (a stolen nonce is useless
    // without it); nothing links two sessions of the same device
    if (!this.popKey || this.popKey.sid !== claims.sid) this.popKey = { sid: claims.sid, key: await generatePopKey() };
    this.abort = new AbortController();
    const outcome = await submitCapture({
      verifier: this.host.verifier!,
      session: this.host.session!,
      audience: claims.iss,
      sid: claims.sid,
      nonce: this.nonce,
      frames,
      checks: this.farChecks,
      camera,
      approach,
      key: this.popKey.key,
      signal: this.abort.signal,
    });
    if (run !== this.run) return;
    if (outcome.kind === 'retry') {
      this.nonce = outcome.nonce;
      if (outcome.attemptsLeft <= 0) throw new KitError('ATTEMPTS_EXCEEDED');
      // show why, then run the capture again in the same camera session
      this.collector!.clear();
      this.flow!.reset();
      const code = isErrorCode(outcome.code) ? outcome.code : 'RECAPTURE_NEEDED';
      this.view = { phase: 'passive', code, progress: 0 };
      this.set('capturing');
      this.host.emitProgress({ state: 'capturing', phase: 'passive', code, message: this.host.message(code), progress: 0, checks: this.checks });
      return this.resume(run);
    }
    const r = outcome.response;
    let decoded: Record<string, unknown> = {};
    try {
      decoded = decodeJwt(r.verdict) as Record<string, unknown>;
    } catch {
      throw new KitError('MALFORMED_BODY', 'verdict is not a JWT');
    }
    const otc = (r as { code?: unknown }).code;
    this.stop();
    // the session is used: camera and workers are released
    this.release();
    this.set('complete');
    this.outcome = { status: r.status, ...(r.response ? { response: r.response } : {}) };
    this.host.emitComplete({
      verdict: r.verdict,
      sessionId: r.sessionId,
      status: r.status,
      ...(r.response ? { response: r.response } : {}),
      ...(typeof otc === 'string' ? { code: otc } : {}),
      claims: decoded,
    });
  }
}
