import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CAMERA_CONSTRAINTS } from '../web-component/element/camera-controller.ts';
import { fixture, makeY4m, workDir, y4mStats } from './lib/fixtures.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';

// The fake camera must deliver the fixture's real pixels: a still frame of a fixture clip is fed
// as the webcam and the page's mean luminance must match the y4m's luma plane.
describe('fake camera in Debian Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  let cam: string;

  beforeAll(async () => {
    cam = makeY4m(fixture('video/live/d3.mp4'), 'd3-still', { seconds: 2, filter: "select='eq(n\\,12)',loop=loop=-1:size=1:start=0" });
    demo = await startDemoServer();
    browser = await launchChromium({ camera: cam });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('reads real fixture frames whose mean luminance matches the file', async () => {
    const file = y4mStats(cam);
    expect(file.frames).toBeGreaterThan(10);
    const page = await browser.newPage();
    await page.goto(`${demo.url}/camera.html`);
    await page.waitForFunction(() => (window.__probe?.frames ?? 0) >= 10, null, { timeout: 30_000 });
    const probe = await page.evaluate(() => window.__probe!);
    console.log(`camera frame ${probe.width}x${probe.height}, page luma ${probe.luma.toFixed(2)}, file luma ${file.lumaMeans[0].toFixed(2)}`);
    expect(probe.width).toBe(file.width);
    expect(probe.height).toBe(file.height);
    // RGB→luma after Chromium's YUV→RGB conversion differs slightly from the raw Y plane (range/rounding).
    expect(Math.abs(probe.luma - file.lumaMeans[0])).toBeLessThan(6);
    await expect(page.locator('#camera-status')).toBeDefined();
    expect(await page.textContent('#camera-status')).toBe('Camera on');
  });
});

// The element's camera constraints must not crop a portrait camera: Chromium crops a source to the
// ideal's shape, and the former 640×480 ideal turned a portrait 480×872 camera into a 480×480
// centre crop (a close face lost its chin and forehead on the approach step's near frame).
describe('camera shape under the element constraints', () => {
  let demo: DemoServer;
  beforeAll(async () => {
    demo = await startDemoServer();
  });
  afterAll(async () => {
    await demo?.close();
  });

  async function trackSize(source: string, video: MediaTrackConstraints): Promise<string> {
    const out = path.join(workDir(), `shape-${source}.y4m`);
    execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${source}:rate=25`, '-t', '1', '-pix_fmt', 'yuv420p', out]);
    const browser = await launchChromium({ camera: out });
    try {
      const page = await browser.newPage();
      await page.goto(`${demo.url}/camera.html`);
      return await page.evaluate(async (c) => {
        const s = await navigator.mediaDevices.getUserMedia({ audio: false, video: c });
        const t = s.getVideoTracks()[0].getSettings();
        s.getTracks().forEach((x) => x.stop());
        return `${t.width}x${t.height}`;
      }, video);
    } finally {
      await browser.close();
    }
  }

  it.each([
    ['480x872', '480x640'],
    ['480x640', '480x640'],
    ['640x480', '640x480'],
    ['1280x720', '640x640'],
  ])('a %s camera gives %s', async (source, expected) => {
    expect(await trackSize(source, CAMERA_CONSTRAINTS.video as MediaTrackConstraints)).toBe(expected);
  });

  it('the former 640×480 ideal cropped a portrait camera to a square', async () => {
    const former = { ...(CAMERA_CONSTRAINTS.video as MediaTrackConstraints), height: { min: 240, ideal: 480 } };
    expect(await trackSize('480x872', former)).toBe('480x480');
  });
});
