import type { Browser } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call } from '../matcher/testing/client.ts';
import { launchChromium } from './lib/browser.ts';
import { APPROACH_ZOOM, fixture, makeY4m, workDir } from './lib/fixtures.ts';
import { FFMPEG } from './lib/system.ts';
import { forgeClientChecks, runCapture, startStack, type CaptureRun, type Stack } from './element-harness.ts';
import { cameraClip } from '../pad/eval/videos.ts';

// Presentation attacks through the whole slice (issue 9): the page is tampered with (an init script
// makes every client check pass with on-device liveness 100) so each capture reaches the verifier;
// the REAL matcher's PAD, on the evidence frames alone, must refuse it. P is enrolled first, so the
// face would match: only the server PAD stands between the attack and an approval. more/'s recorded
// replays and print (issue 14) are played the same way against their own enrolled subject.

const LIVE = 'video/live/d18.mp4';
const PHONE = 'spoof/screen/sfas-F2.jpg';
const ROOM = ['-f', 'lavfi', '-i', 'color=c=0x8a8070:s=480x480:r=25'];

let dir: string;
let matcher: RunningMatcher;
let stack: Stack;
const browsers: Browser[] = [];

/** One frame of a clip (or a photo, EXIF rotation ignored) as PNG in the temp dir. */
function png(src: string, name: string, frame = 0): string {
  const out = path.join(workDir(), `${name}.png`);
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-noautorotate', '-i', src, '-vf', `select=eq(n\\,${frame})`, '-frames:v', '1', out]);
  return out;
}

const clips = {
  /** (a) a still photo fed as the camera (one frame of P's live clip), with the approach zoom */
  still: () => makeY4m(png(fixture(LIVE), 'atk-still', 40), 'atk-still', { still: true, seconds: 6, filter: APPROACH_ZOOM }),
  /** (b) a phone held in frame showing a face (a real photo of the attack), hand jitter, brought closer */
  phone: () =>
    makeY4m(png(fixture(PHONE), 'atk-phone'), 'atk-phone', {
      still: true,
      seconds: 6,
      filter: `scale=500:-2,crop=480:480:'10+6*sin(2*PI*t*1.3)':'50+6*sin(2*PI*t*0.9+1)',${APPROACH_ZOOM}`,
    }),
  /** (c) P's live clip replayed on a screen: sub-pixel stripes (moiré), a glare spot, dark bezel, held by hand */
  screen: () =>
    makeY4m(fixture(LIVE), 'atk-screen', {
      seconds: 6,
      extraInputs: ROOM,
      filterComplex:
        "[0:v]scale=270:270,format=yuv444p,geq=lum='min(255\\,lum(X\\,Y)*(0.86+0.14*sin(2*PI*X/3))+150*exp(-((X-190)*(X-190)+(Y-70)*(Y-70))/700))':cb='cb(X\\,Y)':cr='cr(X\\,Y)',pad=300:310:15:15:color=0x141414[scr];" +
        `[1:v][scr]overlay=x='90+5*sin(2*PI*t*1.1)':y='80+5*sin(2*PI*t*0.7)':shortest=1,format=yuv420p,${APPROACH_ZOOM}[out]`,
    }),
  /** (d) a hand-held print: P's photo desaturated, softened, on paper with a white border, small hand motion */
  print: () =>
    makeY4m(png(fixture(LIVE), 'atk-print-src', 40), 'atk-print', {
      still: true,
      seconds: 6,
      extraInputs: ROOM,
      filterComplex:
        '[0:v]hue=s=0.55,eq=contrast=0.85:brightness=0.05,boxblur=1:1,scale=270:270,pad=310:320:20:20:color=0xf2f0ea[pr];' +
        `[1:v][pr]overlay=x='85+5*sin(2*PI*t*1.3)':y='75+5*sin(2*PI*t*0.9)':shortest=1,rotate='0.02*sin(2*PI*t*1.1)':c=0x8a8070,${APPROACH_ZOOM}[out]`,
    }),
};

/**
 * more/'s recorded attacks (MSU-MFSD client 001: a camera filming a replay on a laptop and on a
 * phone screen, and a print), as `npm run eval` plays an attack clip: the recording at its own
 * size, then brought closer as one plane (pad/eval/videos.ts `cameraClip`, 'plane'). The subject
 * they claim to be is enrolled from the same client's real clip, so the face would match.
 */
const MSU_REAL = 'more/video/live2/msu_client001_real_android.mp4';
const recorded: Record<string, string> = {
  'recorded laptop replay (more/)': 'more/video/attack2/msu_client001_laptop_replay_a.mp4',
  'recorded phone replay (more/)': 'more/video/attack2/msu_client001_android_replay_b.mp4',
  'recorded print (more/)': 'more/video/attack2/msu_client001_laptop_print.mp4',
};

async function attack(cam: string, subject = 'atk-p'): Promise<CaptureRun> {
  const b = await launchChromium({ camera: cam });
  browsers.push(b);
  const page = await b.newPage();
  await page.addInitScript(forgeClientChecks);
  const r = await runCapture(page, stack, { operation: 'VERIFICATION', subject, timeoutMs: 90_000 });
  console.log(`attack ${path.basename(cam)}: end=${r.end}${r.code ? ` (${r.code})` : ''} forged=${r.forged} device PAD=${JSON.stringify(r.devicePad)} summary=${JSON.stringify(r.session.summary)}`);
  await b.close();
  return r;
}

/**
 * The server refused: no approval, FACE_NOT_LIVE with the PAD's own reasons, liveness < 50. The
 * forged checks do not reach the fused PAD the element runs on the evidence before uploading: it
 * turned the first capture down on device, and the server decided on the second.
 */
function expectServerRejection(r: CaptureRun): void {
  expect(r.devicePad).toMatchObject({ live: false });
  expect(r.forged).toBeGreaterThan(0);
  expect(r.end).not.toBe('timeout');
  if (r.complete) expect(r.complete.response).not.toBe(200);
  const s = r.session.summary as { liveness: number; reasons: string[] } | null;
  expect(s).not.toBeNull();
  expect(s!.reasons).toContain('FACE_NOT_LIVE');
  expect(s!.reasons.some((x) => x.startsWith('PAD_'))).toBe(true);
  expect(s!.liveness).toBeLessThan(50);
  expect(r.session.status).not.toBe(3);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-slice-atk-'));
  matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true });
  // P enrolled from a frame of the same clip the attacks use: the match itself would approve
  const enrol = await call(matcher, 'PUT', '/persons/element-test:atk-p', { galleries: ['tenant.element-test'], images: [new Uint8Array(readFileSync(png(fixture(LIVE), 'atk-enrol', 120)))] });
  if (enrol.status !== 201) throw new Error(`enrolment failed: ${enrol.status}`);
  const msu = await call(matcher, 'PUT', '/persons/element-test:atk-msu', { galleries: ['tenant.element-test'], images: [new Uint8Array(readFileSync(png(fixture(MSU_REAL), 'atk-msu-enrol', 60)))] });
  if (msu.status !== 201) throw new Error(`enrolment of the recorded attacks' subject failed: ${msu.status}`);
  stack = await startStack({ matcherUrl: matcher.url, matcherToken: matcher.token, reviewOnRisk: ['CAMERA_VIRTUAL'], matcherTimeoutMs: 30_000 });
});
afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  await stack?.close();
  await matcher?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('slice: presentation attacks with a tampered page are rejected by the server PAD', () => {
  for (const [name, make] of Object.entries(clips)) {
    it(`rejects ${name}`, async () => {
      expectServerRejection(await attack(make()));
    });
  }
  for (const [name, clip] of Object.entries(recorded)) {
    it(`rejects the ${name}`, async () => {
      const cam = await cameraClip(fixture(clip), path.join(workDir(), `atk-${path.basename(clip, '.mp4')}.y4m`), 'plane');
      expectServerRejection(await attack(cam, 'atk-msu'));
    });
  }
});
