import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m, ROOT } from './lib/fixtures.ts';
import { freePort } from './lib/ports.ts';

// `npm start` must bring the demo up on embedded defaults; a real browser then loads it.
describe('npm start', () => {
  let proc: ChildProcess;
  let url: string;
  let browser: Browser;
  let output = '';

  beforeAll(async () => {
    const [demo, verifier, matcher] = [await freePort(), await freePort(), await freePort()];
    proc = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, DEMO_PORT: String(demo), VERIFIER_PORT: String(verifier), MATCHER_PORT: String(matcher) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not report ready:\n${output}`)), 120_000);
      const onData = (d: Buffer): void => {
        output += d.toString();
        const m = /demo ready: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${output}`)));
    });
    browser = await launchChromium({ camera: makeY4m(fixture('video/live/d0.mp4'), 'd0-2s', { seconds: 2 }) });
  });

  afterAll(async () => {
    await browser?.close();
    if (proc?.pid) process.kill(-proc.pid, 'SIGTERM');
  });

  it('serves the demo page, which opens the camera', async () => {
    const page = await browser.newPage();
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toContain('Liveness kit');
    await page.waitForFunction(() => document.getElementById('camera-status')?.textContent === 'Camera on', null, { timeout: 30_000 });
  });
});
