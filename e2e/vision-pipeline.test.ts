import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m } from './lib/fixtures.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import type { VisionPageState } from '../demo/pipeline.ts';

// Fixture clips (and variants made with ffmpeg) fed through Chromium's fake camera into
// demo/pipeline.html: VisionPipeline → vision worker (blazeface, facemesh, iris, antispoof) and
// phone worker (CenterNet). We assert what the workers report, as a majority over many frames.
const SRC = 'video/live/d3.mp4';
const TABLET = 'spoof/screen/sfas-F2.jpg';

interface Run {
  state: VisionPageState;
  share(check: string, outcome: string): number;
}

let demo: DemoServer;

async function runClip(y4m: string, minResults: number, needPhone = false): Promise<Run> {
  const browser: Browser = await launchChromium({ camera: y4m });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('[pipeline page]', e.message));
    await page.goto(`${demo.url}/pipeline.html`);
    await page.waitForFunction(
      ([n, phone]) => {
        const s = window.__vision;
        if (s?.error) return true;
        return (s?.results ?? 0) >= n && (!phone || (s?.stats?.phoneRuns ?? 0) >= 4);
      },
      [minResults, needPhone] as const,
      { timeout: 120_000 },
    );
    const state = (await page.evaluate(() => window.__vision))!;
    expect(state.error).toBeUndefined();
    // the first frames arrive while the models warm up: judge the whole run by shares
    const share = (check: string, outcome: string): number => {
      const o = state.outcomes[check] ?? {};
      const total = Object.values(o).reduce((a, b) => a + b, 0);
      return total ? (o[outcome] ?? 0) / total : 0;
    };
    console.log(`${y4m.split('/').pop()}: ${state.results} results, faces ${JSON.stringify(state.faceCounts)}, outcomes ${JSON.stringify(state.outcomes)}, distance cm ${state.distances.slice(-5).join(' ')}`);
    return { state, share };
  } finally {
    await browser.close();
  }
}

describe('vision pipeline in Chromium with fixture clips as the camera', () => {
  beforeAll(async () => {
    demo = await startDemoServer();
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('original clip: one face, distance passes, camera flagged as non-camera (file label)', async () => {
    const run = await runClip(makeY4m(fixture(SRC), 'vision-d3', { seconds: 3 }), 20);
    const one = (run.state.faceCounts['1'] ?? 0) / run.state.results;
    expect(one).toBeGreaterThan(0.9);
    expect(run.share('face', 'ok')).toBeGreaterThan(0.8);
    expect(run.share('distance', 'ok')).toBeGreaterThan(0.8);
    expect(run.share('lighting', 'ok')).toBeGreaterThan(0.8);
    expect(run.state.last?.camera?.nonCamera).toBe(true);
    expect(run.state.last?.geometry?.faceWidthPx).toBeGreaterThan(100);
  });

  it('far clip (scaled to 25% and padded) → TOO_FAR', async () => {
    const y4m = makeY4m(fixture(SRC), 'vision-d3-far', { seconds: 3, filter: 'scale=120:120,pad=480:480:180:180:color=0xd9cfb8' });
    const run = await runClip(y4m, 15);
    expect(run.state.faceCounts['1'] ?? 0).toBeGreaterThan(0);
    expect(run.share('distance', 'TOO_FAR')).toBeGreaterThan(0.8);
  });

  it('near clip (centre 55% cropped up) → TOO_CLOSE', async () => {
    const y4m = makeY4m(fixture(SRC), 'vision-d3-near', { seconds: 3, filter: 'crop=iw*0.55:ih*0.55,scale=480:480' });
    // under a loaded machine fewer frames are checked and each spans more of the clip, where
    // d3 leans back for a moment: judge a longer run by a clear majority — of the frames where a
    // face was found (a frame without one reads TOO_FAR: the face check speaks for it, not the
    // distance; CI once had 4 of 25 such frames, TOO_CLOSE 15 of 25 = 0.6, 15 of 21 with a face)
    const run = await runClip(y4m, 25);
    const distance = run.state.outcomes.distance ?? {};
    const withFace = Object.values(distance).reduce((a, b) => a + b, 0) - (run.state.outcomes.face?.FACE_NOT_FOUND ?? 0);
    expect(withFace).toBeGreaterThan(10);
    expect((distance.TOO_CLOSE ?? 0) / withFace).toBeGreaterThan(0.6);
  });

  it('darkened clip (eq=brightness=-0.35) → TOO_DARK', async () => {
    const y4m = makeY4m(fixture(SRC), 'vision-d3-dark', { seconds: 3, filter: 'eq=brightness=-0.35' });
    const run = await runClip(y4m, 15);
    expect(run.share('lighting', 'TOO_DARK')).toBeGreaterThan(0.8);
  });

  it('a tablet composited into the clip → PHONE_IN_FRAME from the phone worker', async () => {
    const y4m = makeY4m(fixture(SRC), 'vision-d3-tablet', {
      seconds: 3,
      // the spoof jpgs carry EXIF orientation 6 with upright pixels: never auto-rotate them
      extraInputs: ['-noautorotate', '-loop', '1', '-i', fixture(TABLET)],
      filterComplex: '[1:v]scale=160:-2[tab];[0:v][tab]overlay=300:260[out]',
    });
    const run = await runClip(y4m, 15, true);
    // the first run is held back by the two-run confirmation and single runs may miss (scores
    // ~0.15–0.3): require a clear share of failing frames, not every frame
    expect(run.state.outcomes.phone?.PHONE_IN_FRAME ?? 0).toBeGreaterThanOrEqual(5);
    expect(run.share('phone', 'PHONE_IN_FRAME')).toBeGreaterThan(0.3);
  });
});
