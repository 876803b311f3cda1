/**
 * `npm run bench` (web-component part): headless Debian Chromium with a fixture clip as the camera
 * runs demo/pipeline.html?bench=1 and reports per-model latency inside the workers, the worker
 * transfer overhead (transferred ImageBitmap round trip vs an empty round trip, same run) and the
 * guidance loop rate (frames fully checked per second over ≥ 10 s). Bounded to 60 s.
 */
import os from 'node:os';
import { launchChromium } from '../../e2e/lib/browser.ts';
import { fixture, makeY4m } from '../../e2e/lib/fixtures.ts';
import { startDemoServer } from '../../e2e/lib/demo-server.ts';
import type { VisionBench } from '../../demo/pipeline.ts';

const SECONDS = 10;
const WARMUP_SAMPLES = 10;
const guard = setTimeout(() => {
  console.error('bench: exceeded 60 s, aborting');
  process.exit(1);
}, 60_000);

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}

const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');

async function main(): Promise<void> {
  const cam = makeY4m(fixture('video/live/d3.mp4'), 'bench-d3', { seconds: 4 });
  const demo = await startDemoServer();
  const browser = await launchChromium({ camera: cam });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('[bench page]', e.message));
    const load0 = os.loadavg()[0];
    await page.goto(`${demo.url}/pipeline.html?bench=1&seconds=${SECONDS}`);
    await page.waitForFunction(() => window.__visionBench?.done || window.__vision?.error, null, { timeout: 50_000 });
    const err = await page.evaluate(() => window.__vision?.error);
    if (err) throw new Error(`pipeline page failed: ${err}`);
    const b = (await page.evaluate(() => window.__visionBench)) as VisionBench;
    const base = quantile(b.transfer.emptyMs, 0.5);
    const rows: [string, number[]][] = [
      ['frame → pixels (drawImage + getImageData)', b.vision.decode ?? []],
      ['blazeface 256 (incl. tensor, decode, NMS)', b.vision.blazeface ?? []],
      ['facemesh 192', b.vision.facemesh ?? []],
      ['iris 2×64² (every k-th frame)', b.vision.iris ?? []],
      ['antispoof 128 (every k-th frame)', b.vision.antispoof ?? []],
      ['checks (pure functions + stats)', b.vision.checks ?? []],
      ['vision worker total per frame', b.vision.total ?? []],
      ['centernet 512 (phone worker, ~2 Hz)', b.phone],
      ['empty worker round trip (baseline)', b.transfer.emptyMs],
      ['transferred ImageBitmap round trip', b.transfer.bitmapMs],
      ['createImageBitmap(video) on main thread', b.transfer.createMs],
    ];
    console.log(`Headless Chromium (${process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium'}), tfjs wasm 1 thread, ${os.cpus().length} CPUs, load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; clip video/live/d3.mp4 480×480 25 fps\n`);
    console.log('| step | n | median ms | p95 ms | median / empty round trip |');
    console.log('|---|---|---|---|---|');
    for (const [name, xsAll] of rows) {
      const xs = xsAll.length > WARMUP_SAMPLES * 2 ? xsAll.slice(WARMUP_SAMPLES) : xsAll;
      const med = quantile(xs, 0.5);
      console.log(`| ${name} | ${xs.length} | ${f(med)} | ${f(quantile(xs, 0.95))} | ${f(med / base)}× |`);
    }
    const overhead = quantile(b.transfer.bitmapMs, 0.5) - base;
    console.log(`\nworker transfer overhead (bitmap − empty round trip, median): ${f(overhead)} ms`);
    console.log(`pump: ${b.frames} camera frames, ${b.processed} checked, ${b.dropped} dropped, ${b.phoneRuns} phone runs in ${b.seconds.toFixed(1)} s`);
    console.log(`guidance loop: ${b.fps.toFixed(1)} fps`);
  } finally {
    await browser.close();
    await demo.close();
    clearTimeout(guard);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
