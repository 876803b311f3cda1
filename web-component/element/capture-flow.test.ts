import { describe, expect, it } from 'vitest';
import { CaptureFlow, ratioChange, type FlowConfig } from './capture-flow.ts';
import type { FrameResult } from './pipeline-port.ts';

const pass = { pass: true, value: 1 };
const checks = { face: pass, eyes: pass, phone: pass, lighting: pass, distance: pass, liveness: pass };
const challenge = { oval: { cx: 0.5, cy: 0.45, w: 0.5, h: 0.65 }, approach: { minScaleGain: 1.25 } };
const cfg: FlowConfig = {
  stableWindowMs: 1000, approachTimeoutMs: 5000, approachStallMs: 3000, maxApproachAttempts: 3, passiveTimeoutMs: 30_000, retryNoticeMs: 2000, livenessWaitMs: 3000,
  seqIntervalMs: 200, minEvidenceFacePx: 160, instructionHoldMs: 0, turnMinDeg: 15, turnMaxDeg: 22, turnTimeoutMs: 10_000,
};

function f(t: number, width = 200, o: Partial<FrameResult> = {}): FrameResult {
  return { t, faces: 1, checks, geometry: { faceWidthPx: width, interOcularPx: width * 0.4, cx: 0.5, cy: 0.5, ratios: [1, 1.3] }, quality: 0.5, ...o };
}

describe('CaptureFlow', () => {
  it('runs passive → approach → near grab, with candidates in between', () => {
    const flow = new CaptureFlow(challenge, cfg);
    const roles: string[] = [];
    for (let t = 0; t <= 1000; t += 40) {
      const a = flow.push(f(t));
      if (a.kind === 'grab') roles.push(a.role);
    }
    expect(flow.view.phase).toBe('approach');
    expect(flow.view.code).toBe('MOVE_CLOSER_STEP');
    expect(roles.at(-1)).toBe('far');
    expect(roles.filter((r) => r === 'candidate').length).toBeGreaterThanOrEqual(4);
    let near = null;
    for (let t = 1040, w = 200; t < 3000 && !near; t += 40, w += 4) {
      const a = flow.push(f(t, w));
      if (a.kind === 'grab' && a.role === 'near') near = a;
    }
    expect(near).not.toBeNull();
    expect(flow.view.phase).toBe('done');
    expect(near!.complete).toBe(true);
    const ev = flow.approachEvidence();
    expect(ev.scaleGain).toBe(Math.round((near!.faceWidthPx / 200) * 1000) / 1000);
    expect(ev.scaleGain).toBeGreaterThanOrEqual(1.25);
    expect(ev.ratioChange).toBe(0);
  });

  describe('head turn (the challenge names a side)', () => {
    const turnLeft = { ...challenge, turn: 'left' as const };
    const yawed = (t: number, yawDeg: number, o: Partial<FrameResult> = {}): FrameResult => ({
      ...f(t, 260),
      geometry: { faceWidthPx: 260, interOcularPx: 104, cx: 0.5, cy: 0.5, ratios: [1, 1.3], yawDeg },
      ...o,
    });
    /** passive window and approach up to the `near` grab; returns the next frame time */
    function toNear(flow: CaptureFlow): number {
      for (let t = 0; t <= 1000; t += 40) flow.push(f(t));
      for (let t = 1040, w = 200; t < 3000; t += 40, w += 4) {
        const a = flow.push(f(t, w));
        if (a.kind === 'grab' && a.role === 'near') {
          expect(a.complete).toBe(false);
          return t + 40;
        }
      }
      throw new Error('no near grab');
    }

    it('after near, asks for the turn; a face turned the other way, or not far enough, is not taken', () => {
      const flow = new CaptureFlow(turnLeft, cfg);
      let t = toNear(flow);
      expect(flow.view.phase).toBe('turn');
      expect(flow.view.code).toBe('TURN_LEFT');
      const before = flow.view.progress;
      // the other side, not far enough, and too far (past the matcher's pose limits: the way back is taken)
      for (const yaw of [0, -25, -40, 8, 14, 30]) {
        expect(flow.push(yawed(t, yaw)).kind).toBe('none');
        t += 40;
      }
      expect(flow.view.code).toBe('TURN_LEFT');
      expect(flow.view.progress).toBeGreaterThan(before);
      const a = flow.push(yawed(t, 18));
      expect(a).toMatchObject({ kind: 'grab', role: 'turn', complete: true });
      expect(flow.view.phase).toBe('done');
      // the approach evidence is still the far/near pair's
      expect(flow.approachEvidence().scaleGain).toBeGreaterThanOrEqual(1.25);
    });

    it('a turned face is not frontal and may leave the oval: only one face, the light and no phone are required', () => {
      const flow = new CaptureFlow({ ...challenge, turn: 'right' }, cfg);
      let t = toNear(flow);
      expect(flow.view.code).toBe('TURN_RIGHT');
      const notFrontal = { ...checks, face: { pass: false, value: 30, code: 'FACE_NOT_FRONTAL' }, distance: { pass: false, value: 1, code: 'TOO_CLOSE' } };
      expect(flow.push(yawed(t, -20, { faces: 2 })).kind).toBe('none');
      t += 40;
      expect(flow.push(yawed(t, -20, { checks: { ...notFrontal, phone: { pass: false, value: 0.9, code: 'PHONE_IN_FRAME' } } })).kind).toBe('none');
      t += 40;
      expect(flow.push(yawed(t, -20, { checks: notFrontal }))).toMatchObject({ kind: 'grab', role: 'turn' });
    });

    it('the turn instruction shows at once (no debounce hold), and a face already turned counts only once it has been shown for the hold', () => {
      const held = { ...cfg, instructionHoldMs: 300 };
      const flow = new CaptureFlow(turnLeft, held);
      for (let t = 0; t <= 1000; t += 40) flow.push(f(t));
      let t = 1040;
      for (let w = 200; t < 3000; t += 40, w += 4) {
        const a = flow.push(f(t, w));
        if (a.kind === 'grab' && a.role === 'near') break;
      }
      const near = t;
      expect(flow.view.code).toBe('TURN_LEFT');
      // the person was already turning: frames within the hold are not taken, and the instruction stays
      for (t = near + 40; t < near + 300; t += 40) {
        expect(flow.push(yawed(t, 18)).kind).toBe('none');
        expect(flow.view.code).toBe('TURN_LEFT');
      }
      expect(flow.push(yawed(near + 300, 18))).toMatchObject({ kind: 'grab', role: 'turn', complete: true });
    });

    it('no turn within turnTimeoutMs: TURN_NOT_COMPLETED, and a frontal face never completes the capture', () => {
      const flow = new CaptureFlow(turnLeft, { ...cfg, turnTimeoutMs: 2000 });
      const t0 = toNear(flow);
      let last: ReturnType<CaptureFlow['push']> = { kind: 'none' };
      for (let t = t0; t <= t0 + 2100 && last.kind === 'none'; t += 40) last = flow.push(yawed(t, 3));
      expect(last).toMatchObject({ kind: 'fail', code: 'TURN_NOT_COMPLETED', reason: 'TURN_LEFT' });
    });

    it('reset() (a server retry) starts from the passive phase again', () => {
      const flow = new CaptureFlow(turnLeft, cfg);
      toNear(flow);
      flow.reset();
      expect(flow.view.phase).toBe('passive');
      const a = flow.push(yawed(0, 30));
      expect(a.kind === 'grab' ? a.role : a.kind).not.toBe('turn');
      expect(flow.view.phase).toBe('passive');
    });
  });

  it('a person who moved back after the step began: the approach is measured from the new distance (new far frame), not stalled', () => {
    const flow = new CaptureFlow(challenge, cfg);
    // the step begins while the person leans in (face 290 px)
    for (let t = 0; t <= 1000; t += 40) flow.push(f(t, 290));
    expect(flow.view.phase).toBe('approach');
    const roles: string[] = [];
    let t = 1040;
    // they sit back (200 px, 0.69 of the far width), then come closer to 260 px
    for (; t < 1400; t += 40) {
      const a = flow.push(f(t, 200));
      if (a.kind === 'grab') roles.push(a.role);
    }
    expect(roles[0]).toBe('far');
    let near = null;
    for (let w = 200; t < 4000 && !near; t += 40, w += 4) {
      const a = flow.push(f(t, w));
      if (a.kind === 'grab' && a.role === 'near') near = a;
    }
    expect(near).not.toBeNull();
    expect(near!.faceWidthPx / 200).toBeGreaterThanOrEqual(1.25);
    expect(flow.attempts).toBe(1);
  });

  it('restarts the stable window when a check fails', () => {
    const flow = new CaptureFlow(challenge, cfg);
    for (let t = 0; t < 800; t += 40) flow.push(f(t));
    flow.push(f(800, 200, { checks: { ...checks, lighting: { pass: false, value: 30, code: 'TOO_DARK' } } }));
    expect(flow.view.code).toBe('TOO_DARK');
    expect(flow.view.progress).toBe(0);
    for (let t = 840; t < 1800; t += 40) flow.push(f(t));
    expect(flow.view.phase).toBe('passive');
    flow.push(f(1900));
    expect(flow.view.phase).toBe('approach');
  });

  it('never completes in the dark', () => {
    const flow = new CaptureFlow(challenge, cfg);
    for (let t = 0; t < 20_000; t += 40) {
      const a = flow.push(f(t, 200, { faces: 0, checks: { ...checks, face: { pass: false, value: 0 }, lighting: { pass: false, value: 20, code: 'TOO_DARK' } } }));
      expect(a.kind).toBe('none');
    }
    expect(flow.view.code).toBe('TOO_DARK');
  });

  it('a stalled approach is explained and tried again, never shown as "face not found"', () => {
    const flow = new CaptureFlow(challenge, cfg);
    for (let t = 0; t <= 1000; t += 40) flow.push(f(t));
    expect(flow.view.phase).toBe('approach');
    expect(flow.attempts).toBe(1);
    const codes = new Set<string>();
    let restarted = false;
    for (let t = 1040; t < 4200; t += 40) {
      const a = flow.push(f(t));
      restarted ||= a.kind === 'restart';
      codes.add(flow.view.code);
    }
    expect(restarted).toBe(true);
    expect(flow.view).toMatchObject({ phase: 'passive', code: 'APPROACH_RETRY' });
    // the explanation stays while the checks hold, then the step starts again
    for (let t = 4200; t < 6200; t += 40) codes.add(flow.push(f(t)) && flow.view.code);
    expect(flow.view.phase).toBe('approach');
    expect(flow.attempts).toBe(2);
    expect(codes.has('FACE_NOT_FOUND')).toBe(false);
  });

  it('fails with APPROACH_NOT_COMPLETED after the last try, and then does nothing', () => {
    const flow = new CaptureFlow(challenge, cfg);
    let fail = null;
    for (let t = 0; t < 60_000 && !fail; t += 40) {
      const a = flow.push(f(t));
      if (a.kind === 'fail') fail = a;
    }
    expect(fail).toEqual({ kind: 'fail', code: 'APPROACH_NOT_COMPLETED', reason: 'MOVE_CLOSER_STEP' });
    expect(flow.attempts).toBe(3);
    expect(flow.view.phase).toBe('done');
    expect(flow.push(f(61_000, 400)).kind).toBe('none');
  });

  it('lets a slow but steady approach finish, long past the stall time', () => {
    const flow = new CaptureFlow(challenge, { ...cfg, approachTimeoutMs: 40_000 });
    for (let t = 0; t <= 1000; t += 40) flow.push(f(t));
    let nearAt = 0;
    // +2.5% of the far width every 2.5 s (the stall window is 3 s): 25 s to reach the 1.25 gain
    for (let t = 1040; t < 40_000 && !nearAt; t += 40) {
      const w = 200 + 5 * Math.floor((t - 1000) / 2500);
      const a = flow.push(f(t, w));
      if (a.kind === 'restart' || a.kind === 'fail') throw new Error(`approach cut short at ${t} ms`);
      if (a.kind === 'grab' && a.role === 'near') nearAt = t;
    }
    expect(nearAt).toBeGreaterThan(20_000);
    expect(flow.attempts).toBe(1);
  });

  it('fails with CAPTURE_TIMEOUT (reason: the last instruction) when no face is ever seen', () => {
    const flow = new CaptureFlow(challenge, cfg);
    let fail = null;
    for (let t = 0; t < 40_000 && !fail; t += 40) {
      const a = flow.push(f(t, 0, { faces: 0, geometry: undefined, checks: { ...checks, face: { pass: false, value: 0 } } }));
      if (a.kind === 'fail') fail = { ...a, t };
    }
    expect(fail).toMatchObject({ kind: 'fail', code: 'CAPTURE_TIMEOUT', reason: 'FACE_NOT_FOUND' });
    expect(fail!.t).toBeGreaterThan(30_000);
    expect(fail!.t).toBeLessThan(30_100);
  });

  it('a device liveness signal that stays low (a person holding still) never blocks: "hold still" for the wait, then the capture goes on', () => {
    const flow = new CaptureFlow(challenge, cfg);
    const notLive = { ...checks, liveness: { pass: false, value: 10, code: 'FACE_NOT_LIVE' } };
    const early: string[] = [];
    for (let t = 0; t < 2960; t += 40) {
      const a = flow.push(f(t, 200, { checks: notLive }));
      if (a.kind === 'grab') early.push(a.role);
      expect(flow.view.code).toBe('HOLD_STILL');
    }
    // the stable window ran during the wait (evidence candidates taken), but the step did not begin
    expect(flow.view).toMatchObject({ phase: 'passive', progress: 0.5 });
    expect(early.length).toBeGreaterThan(0);
    expect(early).not.toContain('far');
    const roles: string[] = [];
    for (let t = 2960; t < 3080; t += 40) {
      const a = flow.push(f(t, 200, { checks: notLive }));
      if (a.kind === 'grab') roles.push(a.role);
      expect(flow.view.code).not.toBe('FACE_NOT_LIVE');
    }
    expect(flow.view.phase).toBe('approach');
    expect(roles.at(-1)).toBe('far');
  });

  it('the liveness wait starts when every other check holds, and a signal that passes ends it at once', () => {
    const flow = new CaptureFlow(challenge, cfg);
    const notLive = { ...checks, liveness: { pass: false, value: 10, code: 'FACE_NOT_LIVE' } };
    const dark = { ...notLive, lighting: { pass: false, value: 20, code: 'TOO_DARK' } };
    for (let t = 0; t < 5000; t += 40) flow.push(f(t, 200, { checks: dark }));
    expect(flow.view.code).toBe('TOO_DARK');
    for (let t = 5000; t < 7000; t += 40) flow.push(f(t, 200, { checks: notLive }));
    // the wait began at 5000 (not at 0, in the dark); the stable window has held meanwhile
    expect(flow.view).toMatchObject({ phase: 'passive', code: 'HOLD_STILL', progress: 0.5 });
    // the signal passes: the step begins on that frame, not a stable window later
    expect(flow.push(f(7000))).toMatchObject({ kind: 'grab', role: 'far' });
    expect(flow.view.phase).toBe('approach');
  });

  it('ratioChange is the mean relative change', () => {
    const g = (r: number[]) => ({ faceWidthPx: 1, interOcularPx: 1, cx: 0, cy: 0, ratios: r });
    expect(ratioChange(g([1, 2]), g([1.1, 2.2]))).toBeCloseTo(0.1);
    expect(ratioChange(g([]), g([1]))).toBe(0);
  });

  it('starts over when a phone appears during the approach', () => {
    const flow = new CaptureFlow(challenge, cfg);
    for (let t = 0; t <= 1000; t += 40) flow.push(f(t));
    expect(flow.view.phase).toBe('approach');
    const a = flow.push(f(1040, 220, { checks: { ...checks, phone: { pass: false, value: 0.4, code: 'PHONE_IN_FRAME' } } }));
    expect(a.kind).toBe('restart');
    expect(flow.view).toMatchObject({ phase: 'passive', code: 'PHONE_IN_FRAME', progress: 0 });
  });

  it('the phone detector reporting late delays the capture, not the step: passive → approach without it, the near frame only once it has reported', () => {
    const { phone: _, ...noPhone } = checks;
    const flow = new CaptureFlow(challenge, cfg);
    for (let t = 0; t <= 1000; t += 40) flow.push(f(t, 200, { checks: noPhone }));
    expect(flow.view.phase).toBe('approach');
    // the person comes closer past the gain while the phone detector is still loading: no near frame
    let t = 1040;
    for (let w = 200; t < 2500; t += 40, w = Math.min(270, w + 5)) {
      const a = flow.push(f(t, w, { checks: noPhone }));
      expect(a.kind === 'grab' && a.role === 'near').toBe(false);
    }
    expect(flow.view).toMatchObject({ phase: 'approach', code: 'HOLD_STILL' });
    // its first result: clean → the near frame at once
    const a = flow.push(f(t, 270));
    expect(a).toMatchObject({ kind: 'grab', role: 'near' });
    expect(flow.view.phase).toBe('done');
  });

  it('a phone the detector reports stops the passive phase as before, and a first report of a phone mid-approach starts over', () => {
    const { phone: _, ...noPhone } = checks;
    const phone = { pass: false, value: 0.6, code: 'PHONE_IN_FRAME' as const };
    const blocked = new CaptureFlow(challenge, cfg);
    for (let t = 0; t <= 3000; t += 40) blocked.push(f(t, 200, { checks: { ...checks, phone } }));
    expect(blocked.view).toMatchObject({ phase: 'passive', code: 'PHONE_IN_FRAME' });
    const late = new CaptureFlow(challenge, cfg);
    for (let t = 0; t <= 1000; t += 40) late.push(f(t, 200, { checks: noPhone }));
    expect(late.view.phase).toBe('approach');
    expect(late.push(f(1040, 230, { checks: { ...checks, phone } })).kind).toBe('restart');
    expect(late.view).toMatchObject({ phase: 'passive', code: 'PHONE_IN_FRAME' });
  });
});
