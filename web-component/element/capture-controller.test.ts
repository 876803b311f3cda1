import { UnsecuredJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeStrict, type ErrorCode } from '../../protocol/index.ts';
import { CaptureController, type CaptureHost, type CompleteDetail, type ErrorDetail } from './capture-controller.ts';
import type { FrameResult, PipelinePort } from './pipeline-port.ts';

const now = Math.floor(Date.now() / 1000);
const session = new UnsecuredJWT({
  iss: 'http://v.test', aud: 'liveness-capture', sub: 'p1', iat: now, exp: now + 300, jti: 'j', sid: 'sid1', nonce: 'nonce1',
  op: 'VERIFICATION', azp: 'demo', origins: ['http://a.test'], challenge: { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.2 } },
}).encode();

const pass = { pass: true, value: 1 };
const checks = { face: pass, eyes: pass, phone: pass, lighting: pass, distance: pass, liveness: pass };

/** A pipeline the test drives frame by frame. */
function scripted() {
  let cb: ((r: FrameResult) => void) | null = null;
  let n = 0;
  const live = { running: false };
  const port: PipelinePort = {
    start: async () => void (live.running = true),
    stop: () => void (live.running = false),
    onResult: (c) => ((cb = c), () => (cb = null)),
    captureJpeg: async () => ({ bytes: new Uint8Array([0xff, 0xd8, n++ & 255, 0xff, 0xd9]), w: 480, h: 480 }),
  };
  const emit = (t: number, width: number) =>
    cb?.({ t, faces: 1, checks, geometry: { faceWidthPx: width, interOcularPx: width * 0.4, cx: 0.5, cy: 0.45, ratios: [1, 1.3] }, quality: 0.5 });
  return { port, emit, live };
}

function host(port: PipelinePort) {
  const events: { type: string; detail?: unknown }[] = [];
  const h: CaptureHost = {
    session,
    verifier: 'http://v.test',
    evidenceCount: 6,
    jpegQuality: 0.8,
    flowConfig: { stableWindowMs: 400, seqIntervalMs: 100, instructionHoldMs: 0 },
    config: undefined,
    assets: () => ({ modelBase: '/models', wasmBase: '/wasm/' }),
    pipelineFactory: async () => port,
    refuseVirtualCamera: true,
    addController: () => undefined,
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
    videoElement: async () => ({ play: async () => undefined }) as unknown as HTMLVideoElement,
    message: (c: ErrorCode | string) => String(c),
    emitProgress: (d) => events.push({ type: 'progress', detail: d }),
    emitComplete: (d) => events.push({ type: 'complete', detail: d }),
    emitError: (d) => events.push({ type: 'error', detail: d }),
    emitCancel: () => events.push({ type: 'cancel' }),
  };
  return { h, events };
}

const track = { kind: 'video', label: 'Integrated Camera', stop: () => undefined, getSettings: () => ({ deviceId: 'd1', width: 640, height: 480, frameRate: 30 }) };

async function runCapture(emit: (t: number, w: number) => void, t0: number): Promise<number> {
  let t = t0;
  for (; t < t0 + 600; t += 40) emit(t, 200); // passive window
  await new Promise((r) => setTimeout(r, 10));
  for (let w = 200; w <= 250; w += 5, t += 40) emit(t, w); // approach
  return t;
}

describe('CaptureController', () => {
  const uploads: { token: string; session: string; frames: Uint8Array[] }[] = [];
  let answers: unknown[];

  beforeEach(() => {
    uploads.length = 0;
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getVideoTracks: () => [track], getTracks: () => [track] }) } });
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      uploads.push(decodeStrict(init.body as Uint8Array) as (typeof uploads)[number]);
      return new Response(JSON.stringify(answers.shift()), { status: 200 });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  // The scripted frames carry their own clock (t from 1000), unrelated to performance.now(), which
  // the controller reads when the pipeline starts. Pin it, including values inside the first
  // attempt's frames (1200) and the retry's (2200), where a per-frame choice of time base used to
  // make time jump backwards and the capture never complete.
  it.each([0, 1_200, 2_200, 1_000_000])('signs with the session nonce, retries with the fresh nonce from the verifier, then completes (performance.now() = %i)', async (clock) => {
    vi.spyOn(performance, 'now').mockReturnValue(clock);
    answers = [
      { sessionId: 'sid1', status: 1, retry: { nonce: 'nonce2', attemptsLeft: 2, code: 'FACE_NOT_LIVE' } },
      { sessionId: 'sid1', status: 3, response: 200, verdict: new UnsecuredJWT({ liveness: 88 }).encode() },
    ];
    const { port, emit } = scripted();
    const { h, events } = host(port);
    const c = new CaptureController(h);
    await c.start();
    expect(c.state).toBe('capturing');
    const t = await runCapture(emit, 1000);
    // hashing, key generation and signing are async: wait for the retry answer to be applied
    await vi.waitFor(() => expect([uploads.length, c.state, c.view.code]).toEqual([1, 'capturing', 'FACE_NOT_LIVE']), { timeout: 10_000 });
    await runCapture(emit, t + 40);
    await vi.waitFor(() => expect(c.state).toBe('complete'), { timeout: 10_000 });
    expect(uploads).toHaveLength(2);

    const [first, second] = uploads.map((u) => decodeJwt(u.token));
    expect(first.nonce).toBe('nonce1');
    expect(second.nonce).toBe('nonce2');
    expect(decodeProtectedHeader(uploads[0].token).typ).toBe('liveness-capture+jwt');
    // evidence hashes in upload order, roles far, near, best, then seq
    const ev = second.evidence as { role: string; sha256: string }[];
    expect(ev.slice(0, 3).map((e) => e.role)).toEqual(['far', 'near', 'best']);
    expect(ev.length).toBe(uploads[1].frames.length);
    expect(ev.length).toBeLessThanOrEqual(6);
    expect((second.approach as { scaleGain: number }).scaleGain).toBeGreaterThanOrEqual(1.2);
    expect(uploads[1].session).toBe(session);

    const done = events.find((e) => e.type === 'complete')!.detail as CompleteDetail;
    expect(done).toMatchObject({ sessionId: 'sid1', status: 3, response: 200, claims: { liveness: 88 } });
    expect(c.state).toBe('complete');
  });

  it('a session asking for a head turn: the turn frame follows near even when its encoding finishes first', async () => {
    answers = [{ sessionId: 'sid1', status: 3, response: 200, verdict: new UnsecuredJWT({ liveness: 80 }).encode() }];
    const claims = decodeJwt(session) as Record<string, unknown>;
    const turnSession = new UnsecuredJWT({ ...claims, challenge: { ...(claims.challenge as object), turn: 'left' } }).encode();
    let cb: ((r: FrameResult) => void) | null = null;
    let n = 0;
    let slow = false;
    const port: PipelinePort = {
      start: async () => undefined,
      stop: () => undefined,
      onResult: (c) => ((cb = c), () => (cb = null)),
      // the encoding asked while `slow` takes 80 ms: the near frame's, below
      captureJpeg: async () => {
        const bytes = new Uint8Array([0xff, 0xd8, n++ & 255, 0xff, 0xd9]);
        if (slow) await new Promise((r) => setTimeout(r, 80));
        return { bytes, w: 480, h: 480 };
      },
    };
    const emit = (t: number, width: number, yawDeg = 0) =>
      cb?.({ t, faces: 1, checks, geometry: { faceWidthPx: width, interOcularPx: width * 0.4, cx: 0.5, cy: 0.45, ratios: [1, 1.3], yawDeg }, quality: 0.5 });
    const { h, events } = host(port);
    const c = new CaptureController({ ...h, session: turnSession });
    await c.start();
    let t = 1000;
    for (; t < 1600; t += 40) emit(t, 200);
    await new Promise((r) => setTimeout(r, 10));
    for (let w = 200; w < 240; w += 5, t += 40) emit(t, w);
    slow = true;
    emit((t += 40), 240); // near: its encoding is slow
    slow = false;
    expect(c.view.code).toBe('TURN_LEFT');
    emit((t += 40), 240, 18); // turned 18° to the left: the turn frame, encoded at once
    await vi.waitFor(() => expect(c.state).toBe('complete'), { timeout: 10_000 });
    expect(events.some((e) => e.type === 'error')).toBe(false);
    const ev = decodeJwt(uploads[0].token).evidence as { role: string }[];
    expect(ev.slice(0, 4).map((e) => e.role)).toEqual(['far', 'near', 'turn', 'best']);
  });

  it('drops one capture the on-device PAD finds not live and takes it again; the next one goes to the server', async () => {
    answers = [{ sessionId: 'sid1', status: 3, response: 200, verdict: new UnsecuredJWT({ liveness: 70 }).encode() }];
    const { port, emit, live } = scripted();
    const seen: { n: number; roles: string[]; running: boolean }[] = [];
    port.pad = async (frames) => {
      seen.push({ n: frames.length, roles: frames.map((f) => f.role), running: live.running });
      return { liveness: 12, live: false, reasons: ['PAD_PLANAR_MOTION'] };
    };
    const { h, events } = host(port);
    const c = new CaptureController(h);
    await c.start();
    const t = await runCapture(emit, 1000);
    await vi.waitFor(() => expect([c.state, c.view.code]).toEqual(['capturing', 'FACE_NOT_LIVE']), { timeout: 10_000 });
    expect(uploads).toHaveLength(0);
    expect(c.devicePad).toMatchObject({ live: false, liveness: 12 });
    expect(seen[0].roles.slice(0, 3)).toEqual(['far', 'near', 'best']);
    // the live loop paused while the device PAD ran, and runs again for the capture taken again
    expect(seen[0].running).toBe(false);
    expect(live.running).toBe(true);
    // the device still says "not live": this time the evidence goes to the server, which decides
    await runCapture(emit, t + 40);
    await vi.waitFor(() => expect(c.state).toBe('complete'), { timeout: 10_000 });
    expect(uploads).toHaveLength(1);
    expect(seen).toHaveLength(2);
    expect(events.some((e) => e.type === 'progress' && (e.detail as { code: string }).code === 'FACE_NOT_LIVE')).toBe(true);
  });

  it('maps a verifier error to a typed, non-retryable liveness-error', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ code: 'SESSION_USED', message: 'x' }), { status: 409 }));
    const { port, emit } = scripted();
    const { h, events } = host(port);
    const c = new CaptureController(h);
    await c.start();
    await runCapture(emit, 0);
    await vi.waitFor(() => expect(c.state).toBe('error'), { timeout: 10_000 });
    expect(events.find((e) => e.type === 'error')!.detail as ErrorDetail).toMatchObject({ code: 'SESSION_USED', retryable: false });
    expect(c.state).toBe('error');
  });

  it('refuses a virtual camera and a track under the minimum format', async () => {
    const { port } = scripted();
    for (const [label, settings, code] of [
      ['OBS Virtual Camera', { deviceId: 'v', width: 1280, height: 720, frameRate: 30 }, 'CAMERA_VIRTUAL'],
      ['Cam', { deviceId: 'c', width: 160, height: 120, frameRate: 30 }, 'CAMERA_CONSTRAINTS'],
      ['Cam', { deviceId: 'c', width: 640, height: 480, frameRate: 10 }, 'CAMERA_CONSTRAINTS'],
    ] as const) {
      const t = { ...track, label, getSettings: () => settings };
      vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getVideoTracks: () => [t], getTracks: () => [t] }) } });
      const { h, events } = host(port);
      await new CaptureController(h).start();
      expect((events.find((e) => e.type === 'error')!.detail as ErrorDetail).code).toBe(code);
    }
  });

  it('cancel stops the capture and emits liveness-cancel once', async () => {
    const { port } = scripted();
    const { h, events } = host(port);
    const c = new CaptureController(h);
    await c.start();
    c.cancel();
    c.cancel();
    expect(events.filter((e) => e.type === 'cancel')).toHaveLength(1);
    expect(c.state).toBe('cancelled');
  });

  it('ends a capture whose approach never comes with liveness-error APPROACH_NOT_COMPLETED: camera stopped, nothing uploaded', async () => {
    const { port, emit } = scripted();
    const stopped = vi.fn();
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getVideoTracks: () => [{ ...track, stop: stopped }], getTracks: () => [{ ...track, stop: stopped }] }) } });
    const { h, events } = host(port);
    (h as { flowConfig: object }).flowConfig = { stableWindowMs: 400, seqIntervalMs: 100, instructionHoldMs: 0, approachStallMs: 1000, maxApproachAttempts: 2, retryNoticeMs: 500 };
    const c = new CaptureController(h);
    await c.start();
    for (let t = 0; t < 10_000 && c.state === 'capturing'; t += 40) emit(t, 200);
    expect(c.state).toBe('error');
    expect(events.find((e) => e.type === 'error')!.detail).toMatchObject({ code: 'APPROACH_NOT_COMPLETED', reason: 'MOVE_CLOSER_STEP', retryable: true });
    const codes = events.filter((e) => e.type === 'progress').map((e) => (e.detail as { code: string }).code);
    expect(codes).toContain('APPROACH_RETRY');
    expect(codes).not.toContain('FACE_NOT_FOUND');
    expect(stopped).toHaveBeenCalled();
    expect(uploads).toHaveLength(0);
  });

  it('stops the camera and ends with SESSION_EXPIRED when the session expires mid-capture; shows the last minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    try {
      const { port } = scripted();
      const stopped = vi.fn();
      vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getVideoTracks: () => [{ ...track, stop: stopped }], getTracks: () => [{ ...track, stop: stopped }] }) } });
      const { h, events } = host(port);
      const c = new CaptureController(h);
      await c.start();
      expect(c.state).toBe('capturing');
      expect(c.remainingS).toBeGreaterThan(290);
      await vi.advanceTimersByTimeAsync(250_000);
      expect(c.remainingS).toBeLessThanOrEqual(60);
      expect(c.state).toBe('capturing');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(c.state).toBe('error');
      expect(events.find((e) => e.type === 'error')!.detail).toMatchObject({ code: 'SESSION_EXPIRED', retryable: false });
      expect(stopped).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a second start while a capture runs opens no second camera; a finished capture releases the workers', async () => {
    answers = [{ sessionId: 'sid1', status: 2, verdict: new UnsecuredJWT({ liveness: 80 }).encode() }];
    const { port, emit } = scripted();
    const disposed = vi.fn();
    port.dispose = disposed;
    const gum = vi.fn(async () => ({ getVideoTracks: () => [track], getTracks: () => [track] }));
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: gum } });
    const { h } = host(port);
    const c = new CaptureController(h);
    await Promise.all([c.start(), c.start()]);
    await c.start();
    expect(gum).toHaveBeenCalledTimes(1);
    await runCapture(emit, 0);
    await vi.waitFor(() => expect(c.state).toBe('complete'), { timeout: 10_000 });
    expect(uploads).toHaveLength(1);
    expect(c.outcome).toEqual({ status: 2 });
    expect(disposed).toHaveBeenCalledTimes(1);
  });
});
