import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m, y4mStats } from './lib/fixtures.ts';
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
