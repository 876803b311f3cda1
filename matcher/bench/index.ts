/**
 * `npm run bench` (matcher part), bounded to ~2 minutes, prints a markdown table:
 * memory read bandwidth measured in this run; 1:N identify latency at 100k and 1M synthetic
 * 192-d templates (int8 scan + float32 re-rank, one thread) as a share of that bandwidth;
 * cache load rate from each store; 1:1 verify p50 over HTTP including extraction.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'cborg';
import { resolveConfig } from '../config.ts';
import { createExtractor, type Extractor } from '../extraction/extractor.ts';
import { ExactInt8Index } from '../index/exact-int8.ts';
import { startMatcher } from '../server.ts';
import { MatcherService } from '../service.ts';
import { openStore } from '../store/open.ts';
import { sha256hex, type MatcherStore } from '../store/store.ts';
import { startThrowawayPostgres } from '../testing/postgres-server.ts';
import { simdReadBandwidth } from './read-bandwidth.ts';
import { scanPool } from '../index/scan-pool.ts';
import { toTemplate } from '../template.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rows: string[][] = [];
const row = (...cells: string[]) => { rows.push(cells); process.stderr.write(`  ${cells.join(' | ')}\n`); };
const pctl = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

let s = 42;
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 - 0.5; };
function randomUnit(dims: number, out = new Float32Array(dims)): Float32Array {
  let n = 0;
  for (let i = 0; i < dims; i++) { out[i] = rnd(); n += out[i] * out[i]; }
  n = Math.sqrt(n);
  for (let i = 0; i < dims; i++) out[i] /= n;
  return out;
}

/** Single-thread sequential read bandwidth: sum a 256 MiB Float64Array, best of 3. */
function bandwidth(): number {
  const a = new Float64Array(32 * 1024 * 1024);
  for (let i = 0; i < a.length; i += 512) a[i] = i;
  let best = Infinity, sink = 0;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < a.length; i++) x += a[i];
    sink += x;
    best = Math.min(best, performance.now() - t);
  }
  if (sink === 42) console.log('');
  return (a.byteLength / 1e9) / (best / 1000);
}

function identifyBench(n: number, dims: number, queries: number, bw: number, simd = true, threads = true): number {
  const ix = new ExactInt8Index(dims, n, { simd, threads });
  const chunk = 10_000;
  const buf = new Float32Array(chunk * dims);
  const probeRows: Float32Array[] = [];
  for (let b = 0; b < n; b += chunk) {
    const m = Math.min(chunk, n - b);
    for (let r = 0; r < m; r++) randomUnit(dims, buf.subarray(r * dims, (r + 1) * dims));
    if (probeRows.length < queries && b % (Math.floor(n / queries / chunk) * chunk || chunk) === 0) probeRows.push(buf.slice(0, dims));
    ix.addMany(Array.from({ length: m }, (_, r) => `p${b + r}`), buf.subarray(0, m * dims));
  }
  while (probeRows.length < queries) probeRows.push(randomUnit(dims));
  const times: number[] = [];
  ix.search(probeRows[0], 10); // warm-up (JIT)
  for (const p of probeRows) {
    const q = new Float32Array(dims);
    for (let i = 0; i < dims; i++) q[i] = p[i] + rnd() * 0.02; // a mated probe with a little noise
    const t = performance.now();
    ix.search(q, 10);
    times.push(performance.now() - t);
  }
  const p50 = pctl(times, 0.5), p95 = pctl(times, 0.95);
  const gbs = (n * dims) / 1e9 / (p50 / 1000);
  const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
  const t = ix.scanThreads;
  row(`identify ${label} x ${dims}${simd ? '' : ' (plain JS scan)'}${t > 1 ? ` (${t} threads)` : ''}`, `${p50.toFixed(1)} ms p50, ${p95.toFixed(1)} ms p95, ${gbs.toFixed(2)} GB/s scanned = ${((100 * gbs) / bw).toFixed(0)}% of measured 1-thread bandwidth`, `${queries} queries, exact top-10: int8 ${ix.scan} scan + f32 re-rank of top 32, ${t} thread${t > 1 ? 's' : ''}`);
  return p50;
}

async function loadRate(name: string, store: MatcherStore, extractor: Extractor, persons: number): Promise<void> {
  const model = { model: extractor.model, version: extractor.version, dims: extractor.dims };
  const t0 = performance.now();
  for (let i = 0; i < persons; i++) {
    // 8 templates per person (the PUT maximum): more rows per durable commit, so the fill stays short
    const templates = Array.from({ length: 8 }, () => {
      const t = toTemplate(model, randomUnit(model.dims));
      return { ...t, source: 'submitted' as const, imageIndex: null, sha256: sha256hex(t.data) };
    });
    await store.put({ id: `b-${i}`, galleries: ['default'], metadata: {}, quality: [], duplicates: [], imageCount: 0, updatedAt: Date.now(), templates }, []);
  }
  const putMs = performance.now() - t0;
  const svc = new MatcherService(store, extractor, resolveConfig({}));
  await svc.loadCache();
  row(`cache load (${name})`, `${Math.round(svc.loadStats.rate).toLocaleString('en')} templates/s`, `${svc.loadStats.templates} templates in ${svc.loadStats.ms.toFixed(0)} ms; durable PUT commits (8 templates each) ${(persons / (putMs / 1000)).toFixed(0)}/s`);
}

const started = performance.now();
const bw = simdReadBandwidth();
row('memory read bandwidth (same run)', `${bw.toFixed(2)} GB/s`, 'WebAssembly SIMD sum of 256 MiB, 1 thread, best of 5 (the scan\'s own ceiling)');
const bwJs = bandwidth();
row('memory read, plain JS (same run)', `${bwJs.toFixed(2)} GB/s`, 'scalar sum of a 256 MiB Float64Array: JS loops are compute-bound, not memory-bound');
identifyBench(100_000, 192, 30, bw, true, false);
const one = identifyBench(1_000_000, 192, 10, bw, true, false);
const pool = scanPool();
if (pool) {
  identifyBench(100_000, 192, 30, bw);
  const many = identifyBench(1_000_000, 192, 10, bw);
  row(`identify 1M x 192: ${pool.threads} threads vs 1 (same run)`, `${(one / many).toFixed(2)}× faster`, `MATCHER_SCAN_THREADS=${pool.threads} (default: the machine's cores, at most 8)`);
} else {
  row('identify with scan threads', 'not measured', 'one core, or no shared-memory WebAssembly SIMD here');
}
identifyBench(100_000, 192, 10, bw, false); // the plain-JS scan, for comparison

const extractor = await createExtractor();
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-bench-'));
try {
  await loadRate('sqlite', await openStore(`sqlite:${path.join(tmp, 'b.db')}`), extractor, 800);
  try {
    const pg = await startThrowawayPostgres();
    try { await loadRate('postgres', await openStore(pg.url), extractor, 800); } finally { pg.stop(); }
  } catch (e) {
    row('cache load (postgres)', 'not measured', e instanceof Error ? e.message.slice(0, 120) : String(e));
  }

  const m = await startMatcher({ port: 0, store: `sqlite:${path.join(tmp, 'v.db')}`, extractor, waitReady: true });
  try {
    const img = (p: string) => new Uint8Array(readFileSync(path.join(root, '..', 'shared', 'fixtures', 'faces', 'lfw', p)));
    const put = await fetch(`${m.url}/persons/al`, { method: 'PUT', body: Buffer.from(encode({ images: [img('Al_Pacino/Al_Pacino_0001.jpg')] })), headers: { 'content-type': 'application/cbor', authorization: `Bearer ${m.token}` } });
    if (put.status >= 300) throw new Error(`enrol failed: ${put.status}`);
    const probe = Buffer.from(encode({ images: [img('Al_Pacino/Al_Pacino_0002.jpg')] }));
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const r = await fetch(`${m.url}/persons/al/verify`, { method: 'POST', body: probe, headers: { 'content-type': 'application/cbor', authorization: `Bearer ${m.token}` } });
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
    row('1:1 verify incl. extraction (HTTP)', `${pctl(times, 0.5).toFixed(0)} ms p50, ${pctl(times, 0.95).toFixed(0)} ms p95`, `250×250 JPEG probe, 15 requests, faces: ${extractor.finderSource}`);
  } finally {
    await m.close();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('| measurement | result | notes |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\n(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
process.exit(0);
