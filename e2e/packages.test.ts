/**
 * Issue 19: the packages as an integrator gets them, and docs/integration.md's quick start as
 * written. Every workspace package is built (`npm run build:packages`) and packed with `npm pack`;
 * in an empty folder outside the repository the doc's blocks run one after the other — install
 * (the tarballs in place of the registry names), the matcher and the verifier started with their
 * CLIs from the installed packages, the integrator registered the documented way, the page's
 * files written from the doc, `npx vite build`, the backend `server.js` (sessions with the API key,
 * the verdict checked with jose) — and Chromium, its camera a fixture clip, opens the page on
 * http://localhost:3000 and finishes a capture that the doc's backend trusts.
 *
 * The doc's fixed ports (3000, 8787, 8788) must be free: the test says so and stops otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './lib/browser.ts';
import { fixture, makeY4m, ROOT } from './lib/fixtures.ts';

const DOC = readFileSync(path.join(ROOT, 'docs', 'integration.md'), 'utf8');
const PORTS = [3000, 8787, 8788];

/** The fenced block whose first line is `first` (its comment naming the step or the file). */
function block(first: string): string {
  for (const m of DOC.matchAll(/```\w*\n([\s\S]*?)```/g)) if (m[1].startsWith(first)) return m[1];
  throw new Error(`docs/integration.md has no block starting with "${first}"`);
}

/** `export NAME=value` in a block. */
function exported(b: string, name: string): string {
  const m = new RegExp(`^export ${name}=(\\S+)$`, 'm').exec(b);
  if (!m) throw new Error(`the doc's block does not export ${name}`);
  return m[1];
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

async function waitFor(name: string, url: string, ms: number, proc: ChildProcess, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${log().slice(-3000)}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} did not answer ${url} within ${ms / 1000} s:\n${log().slice(-3000)}`);
}

const procs: ChildProcess[] = [];
/** A doc block run by bash in the background (its own process group, stopped after the tests). */
function background(script: string, cwd: string, env: Record<string, string>): { proc: ChildProcess; log: () => string } {
  let out = '';
  const proc = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  procs.push(proc);
  return { proc, log: () => out };
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed (${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`);
  return r.stdout;
}

let work: string;
let shop: string;
let browser: Browser | undefined;
let packs: { name: string; filename: string; size: number; unpackedSize: number }[] = [];
const requests: string[] = [];
let result = '';

beforeAll(async () => {
  for (const p of PORTS) if (!(await portFree(p))) throw new Error(`port ${p} is in use: the quick start of docs/integration.md needs 3000, 8787 and 8788 free`);
  work = mkdtempSync(path.join(tmpdir(), 'lk-packages-'));
  const t0 = Date.now();
  run(process.execPath, ['scripts/build-packages.mjs'], ROOT);
  const t1 = Date.now();
  packs = JSON.parse(run('npm', ['pack', '--workspaces', '--json', '--pack-destination', work], ROOT));
  for (const p of packs) console.log(`npm pack ${p.name}: ${(p.size / 1024).toFixed(0)} KB (${(p.unpackedSize / 1e6).toFixed(1)} MB unpacked)`);
  const tarball = (name: string) => path.join(work, packs.find((p) => p.name === name)!.filename);

  // 1. install: the doc's block, in an empty folder, the tarballs in place of the registry names
  const install = block('# 1. install').replace(/@liveness-kit\/(element|verifier|matcher|react|protocol)\b/g, (n) => tarball(n));
  run('bash', ['-euo', 'pipefail', '-c', install], work, { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });
  shop = path.join(work, 'shop');
  const t2 = Date.now();
  console.log(`build ${((t1 - t0) / 1000).toFixed(0)} s, pack + install ${((t2 - t1) / 1000).toFixed(0)} s`);

  // 2–3. the services from the installed packages' CLIs
  const matcherBlock = block('# 2. the matcher');
  const matcherToken = exported(matcherBlock, 'MATCHER_TOKEN');
  const matcher = background(matcherBlock, shop, {});
  const verifierBlock = block('# 3. the verifier');
  const apiKey = exported(verifierBlock, 'SHOP_API_KEY');
  const verifier = background(verifierBlock, shop, { MATCHER_TOKEN: matcherToken });
  await waitFor('matcher', 'http://127.0.0.1:8788/ready', 240_000, matcher.proc, matcher.log);
  await waitFor('verifier', 'http://127.0.0.1:8787/.well-known/jwks.json', 60_000, verifier.proc, verifier.log);

  // the page and the backend, file by file as the doc gives them
  for (const [first, file] of [['// vite.config.js', 'vite.config.js'], ['<!-- index.html -->', 'index.html'], ['// main.js', 'main.js'], ['// server.js', 'server.js']]) {
    writeFileSync(path.join(shop, file), block(first));
  }
  const backend = background(block('# 4. build the page'), shop, { SHOP_API_KEY: apiKey });
  await waitFor('the page (npx vite build, node server.js)', 'http://localhost:3000/', 180_000, backend.proc, backend.log);
  console.log(`services and page up ${((Date.now() - t2) / 1000).toFixed(0)} s after install`);

  // Chromium's fake camera replays its file byte for byte, and the verifier refuses a frame it has
  // seen before (EVIDENCE_REPLAYED): when the server asks for another capture, the retry must not
  // meet the first attempt's frames again. So the clip carries per-frame sensor noise, as a real
  // camera does, repeats its approach (far for 3.6 s, then 1.45× closer) every 8 s, and lasts 32 s.
  const camera = makeY4m(fixture('video/live/d18.mp4'), 'pkg-live-noisy', {
    seconds: 32,
    filter: [
      'trim=start_frame=0:end_frame=90,setpts=N/25/TB,loop=loop=9:size=90:start=0,setpts=N/25/TB',
      "zoompan=z='if(lt(mod(on\\,200)\\,90)\\,1\\,min(1+(mod(on\\,200)-90)*0.012\\,1.45))':d=1:s=480x480:fps=25:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'",
      'noise=alls=3:allf=t',
    ].join(','),
  });
  browser = await launchChromium({ camera });
  const page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  // the verifier's answers to the page, for the log (codes only: no token or verdict is printed)
  page.on('response', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:8787/')) return;
    void r.text().then(
      (t) => console.log(`verifier ${r.request().method()} ${new URL(r.url()).pathname.replace(/[A-Za-z0-9_-]{16,}/g, '…')}: ${r.status()} ${(/"(code|status)":\s*("?[A-Z_0-9]+"?)/.exec(t) ?? [''])[0]}`),
      () => undefined,
    );
  });
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto('http://localhost:3000/');
  await page.waitForFunction(() => (document.querySelector('#result')?.textContent ?? '') !== '', null, { timeout: 300_000 });
  result = (await page.textContent('#result')) ?? '';
  console.log(`page result: ${result}`);
}, 1_200_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  for (const p of procs) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages, installed outside the repository, following docs/integration.md', () => {
  it('packs all five packages', () => {
    expect(packs.map((p) => p.name).sort()).toEqual(['@liveness-kit/element', '@liveness-kit/matcher', '@liveness-kit/protocol', '@liveness-kit/react', '@liveness-kit/verifier']);
  });

  it('the installed packages have no path back into the repository', () => {
    const installed = path.join(shop, 'node_modules', '@liveness-kit');
    for (const name of readdirSync(installed)) {
      const dist = path.join(installed, name, 'dist');
      const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
      for (const f of files) expect(readFileSync(path.join(dist, f), 'utf8').includes(ROOT), `${name}/dist/${f}`).toBe(false);
    }
    expect(existsSync(path.join(installed, 'element', 'assets', 'workers', 'vision-worker.js'))).toBe(true);
  });

  it('the page finishes a capture and the doc’s backend trusts the verdict (jose)', () => {
    const r = JSON.parse(result) as { trusted: boolean; status: number; response: number | null };
    expect(r.trusted).toBe(true);
    expect([2, 3]).toContain(r.status);
  });

  it('workers, models and wasm came from the page’s own origin (the vite plugin), nothing from elsewhere', () => {
    const assets = requests.filter((u) => /\/(workers|models|wasm)\//.test(u));
    console.log(`asset requests: ${assets.length}, e.g. ${assets.slice(0, 3).join(', ')}`);
    expect(assets.some((u) => /^http:\/\/localhost:3000\/liveness-kit\/[0-9a-f]{12}\/workers\/vision-worker\.js$/.test(u))).toBe(true);
    for (const u of requests) expect(u, u).toMatch(/^(http:\/\/localhost:3000\/|http:\/\/127\.0\.0\.1:8787\/|data:|blob:)/);
  });

  it('the React and protocol tarballs install beside them and load', () => {
    const tarball = (name: string) => path.join(work, packs.find((p) => p.name === name)!.filename);
    run('npm', ['install', tarball('@liveness-kit/react'), tarball('@liveness-kit/protocol'), 'react'], shop, { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' });
    const out = run(process.execPath, ['--input-type=module', '-e', [
      "const p = await import('@liveness-kit/protocol');",
      "const v = await import('valibot');",
      "const ok = v.safeParse(p.CreateSessionResponseSchema, { sessionId: 's', sessionToken: 't', expiresAt: 1 }).success;",
      "const react = (await import('node:fs')).readFileSync('node_modules/@liveness-kit/react/dist/index.js', 'utf8').includes('@liveness-kit/element');",
      "console.log(JSON.stringify({ ok, statusOf: p.statusOf('SESSION_EXPIRED'), react }));",
    ].join('\n')], shop);
    console.log(`protocol and react from their tarballs: ${out.trim()}`);
    expect(JSON.parse(out)).toEqual({ ok: true, statusOf: 400, react: true });
  }, 300_000);

  it('the packages’ types resolve for a TypeScript consumer (one deliberate error, nothing else)', () => {
    writeFileSync(path.join(shop, 'types-check.ts'), [
      "import { defineLivenessCapture, LivenessCapture, type CompleteDetail } from '@liveness-kit/element';",
      "import { mountEmbed } from '@liveness-kit/element/embed';",
      "import { livenessKit } from '@liveness-kit/element/vite';",
      "import { createLivenessCaptureComponent, type LivenessCaptureProps } from '@liveness-kit/react';",
      "import { CreateSessionResponseSchema, statusOf } from '@liveness-kit/protocol';",
      "import { startMatcher } from '@liveness-kit/matcher';",
      "import { startVerifier } from '@liveness-kit/verifier/node';",
      "import { createApp } from '@liveness-kit/verifier';",
      "defineLivenessCapture();",
      "const el: LivenessCapture = document.createElement('liveness-capture');",
      "el.assetBase = '/liveness-kit/';",
      "el.addEventListener('liveness-complete', (e) => console.log((e as CustomEvent<CompleteDetail>).detail.verdict.length));",
      "const props: LivenessCaptureProps = { session: 't', autoStart: true, assetBase: '/lk/' };",
      "void [mountEmbed, livenessKit({ base: '/lk/' }), createLivenessCaptureComponent, CreateSessionResponseSchema, statusOf('SESSION_EXPIRED'), createApp, props];",
      "const m = await startMatcher({ port: 0, store: 'sqlite:x.db' });",
      "const url: string = m.url;",
      "const v = await startVerifier({ port: 0 });",
      "const wrong: number = v.url;",
      "void [url, wrong];",
      '',
    ].join('\n'));
    writeFileSync(path.join(shop, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, skipLibCheck: true, noEmit: true, lib: ['ES2023', 'DOM'], types: [] }, files: ['types-check.ts'] }));
    // the repository's tsc as a tool; what it checks is only the installed packages' declarations
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: shop, encoding: 'utf8' });
    const errors = r.stdout.trim().split('\n').filter(Boolean);
    console.log(`tsc on a consumer of the five packages: ${errors.length} error(s): ${errors.join(' | ')}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/types-check\.ts\(18,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
  });

  it('custom-elements.json in the installed element names every attribute, event and part', () => {
    const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as { modules: { declarations?: { tagName?: string; attributes?: { name: string }[]; events?: { name: string }[]; cssParts?: { name: string }[] }[] }[] };
    const decl = (m: ReturnType<typeof read>) => m.modules.flatMap((x) => x.declarations ?? []).find((d) => d.tagName === 'liveness-capture')!;
    const installed = decl(read(path.join(shop, 'node_modules', '@liveness-kit', 'element', 'custom-elements.json')));
    const source = decl(read(path.join(ROOT, 'web-component', 'custom-elements.json')));
    const names = (l?: { name: string }[]) => (l ?? []).map((x) => x.name).sort();
    console.log(`custom-elements.json: ${names(installed.attributes).length} attributes, ${names(installed.events).length} events, ${names(installed.cssParts).length} parts`);
    expect(names(installed.attributes)).toEqual(names(source.attributes));
    expect(names(installed.attributes)).toEqual(expect.arrayContaining(['asset-base', 'session', 'verifier', 'locale']));
    expect(names(installed.events)).toEqual(['liveness-cancel', 'liveness-complete', 'liveness-error', 'liveness-progress']);
    expect(names(installed.cssParts)).toEqual(expect.arrayContaining(['instruction', 'video', 'button']));
  });
});
