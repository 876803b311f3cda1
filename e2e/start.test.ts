import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  let dataDir: string;
  let verifierUrl: string;
  let shopKey: string;

  beforeAll(async () => {
    const [demo, host, verifier, matcher] = [await freePort(), await freePort(), await freePort(), await freePort()];
    dataDir = mkdtempSync(path.join(tmpdir(), 'lk-start-'));
    verifierUrl = `http://127.0.0.1:${verifier}`;
    // an integrator page on another origin, registered the documented way before the stack starts
    const added = execFileSync('npm', ['run', '--silent', 'integrator', '--', 'add', '--id', 'shop', '--origin', 'http://localhost:3999'], { cwd: ROOT, env: { ...process.env, DEMO_DATA_DIR: dataDir }, encoding: 'utf8' });
    shopKey = /API key \(shown once\): (\S+)/.exec(added)?.[1] ?? '';
    expect(shopKey).not.toBe('');
    proc = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DEMO_PORT: String(demo),
        HOST_PORT: String(host),
        VERIFIER_PORT: String(verifier),
        MATCHER_PORT: String(matcher),
        DEMO_DATA_DIR: dataDir,
      },
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
    if (proc?.pid && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(-proc.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the demo page, whose camera check opens the camera', async () => {
    const page = await browser.newPage();
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toContain('Liveness kit');
    // the home page is navigation; the camera probe lives on camera.html, linked from it
    await Promise.all([page.waitForURL('**/camera.html'), page.click('main a[href="./camera.html"]')]);
    expect(await page.title()).toContain('Liveness kit');
    await page.waitForFunction(() => document.getElementById('camera-status')?.textContent === 'Camera on', null, { timeout: 30_000 });
  });

  it('knows the integrator registered with `npm run integrator -- add`: its key opens sessions for its origin', async () => {
    expect(output).toContain('your integrators (npm run integrator -- list): shop');
    const create = (origins: string[]) =>
      fetch(`${verifierUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${shopKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'REGISTRATION', subject: 'p1', origins }) });
    expect((await create(['http://localhost:3999'])).status).toBe(201);
    const other = await create(['http://localhost:4000']);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { code: string }).code).toBe('ORIGIN_NOT_ALLOWED');
  });
});
