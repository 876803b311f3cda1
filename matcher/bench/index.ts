/**
 * `npm run bench` (matcher part), about 5 minutes, prints a markdown table: memory read
 * bandwidth measured in this run; 1:N identify latency at 100k and 1M synthetic 192-d templates
 * (int8 scan + float32 re-rank, one and two threads) as a share of that bandwidth, and at 10M
 * 128-d on the compact index with its bytes per template; cache load rate from each store
 * (PostgreSQL also at 1M rows); 1:N through a 3-node cluster against one node; 1:1 verify p50
 * over HTTP including extraction.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'cborg';
import v8 from 'node:v8';
import vm from 'node:vm';
import { resolveConfig } from '../config.ts';
import { createExtractor, type Extractor } from '../extraction/extractor.ts';
import { ExactInt8Index } from '../index/exact-int8.ts';
import { compactRowOf } from '../index/quantise.ts';
import { startMatcher } from '../server.ts';
import { MatcherService } from '../service.ts';
import { openStore } from '../store/open.ts';
import { sha256hex, type MatcherStore } from '../store/store.ts';
import { startThrowawayEtcd } from '../testing/etcd-server.ts';
import { freePort, startThrowawayPostgres } from '../testing/postgres-server.ts';
import { killHard, spawnMatcher, type SpawnedMatcher } from '../testing/spawn.ts';
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

function identifyBench(n: number, dims: number, queries: number, bw: number, simd = true, threads = true, float = true): number {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const ix = new ExactInt8Index(dims, n, { simd, threads, float });
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
  gc();
  // what the index holds per template: its matrix bytes, its id table and row map (typed arrays,
  // allocated size), plus whatever the JS heap grew by (after a full GC)
  const perTemplate = (ix.bytes + ix.idBytes) / n + Math.max(0, process.memoryUsage().heapUsed - heap0) / n;
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
  const mode = float ? 'exact top-10: int8 ' + ix.scan + ' scan + f32 re-rank of top 32' : `compact (no f32 copy): int8 ${ix.scan} scan + int8-row re-rank of top 32; ${perTemplate.toFixed(0)} B per template in RAM (${ix.bytes / n} B matrix + ${(ix.idBytes / n).toFixed(1)} B id table and row map + JS heap growth; ids "p0"…"p${n - 1}")`;
  row(`identify ${label} x ${dims}${simd ? '' : ' (plain JS scan)'}${t > 1 ? ` (${t} threads)` : ''}${float ? '' : ' compact'}`, `${p50.toFixed(1)} ms p50, ${p95.toFixed(1)} ms p95, ${gbs.toFixed(2)} GB/s scanned = ${((100 * gbs) / bw).toFixed(0)}% of measured 1-thread bandwidth`, `${queries} queries, ${mode}, ${t} thread${t > 1 ? 's' : ''}`);
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

/**
 * Cache load from PostgreSQL at scale: `rows` template rows written server-side in one statement
 * (a fill, not a measurement), then a fresh service loads them (binary COPY, store/postgres.ts).
 */
async function bulkLoadRate(url: string, extractor: Extractor, rows: number): Promise<void> {
  const model = { model: extractor.model, version: extractor.version, dims: extractor.dims };
  const pgc = new (await import('pg')).default.Client({ connectionString: url });
  await pgc.connect();
  try {
    const store = await openStore(url); // creates the schema
    await store.close();
    await pgc.query('TRUNCATE persons CASCADE');
    const t0 = performance.now();
    await pgc.query(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at)
      SELECT 'm-' || i, '["default"]', '{}', '[]', '[]', 0, 0 FROM generate_series(1, $1::int) AS i`, [rows]);
    const t = toTemplate(model, randomUnit(model.dims));
    // with its int8 row, as the store writes every template (store/postgres.ts)
    const q8 = compactRowOf(t)!;
    await pgc.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256, q8)
      SELECT 'm-' || i, 0, $2, $3, $4, 'f32', $5, 'submitted', NULL, $6, $7 FROM generate_series(1, $1::int) AS i`,
      [rows, model.model, model.version, model.dims, Buffer.from(t.data), sha256hex(t.data), Buffer.from(q8.buffer)]);
    const fillS = (performance.now() - t0) / 1000;
    // the fill's aftermath (dirty pages, statistics) settled before anything is timed
    await pgc.query('VACUUM ANALYZE persons, templates');
    await pgc.query('CHECKPOINT');
    /** one cache load by a fresh service; its rate (templates/s) */
    const load = async (compactIndex: boolean) => {
      const s = await openStore(url);
      const svc = new MatcherService(s, extractor, resolveConfig({ compactIndex }));
      await svc.loadCache();
      await s.close();
      if (svc.loadStats.templates !== rows) throw new Error(`loaded ${svc.loadStats.templates} of ${rows}`);
      gc();
      return svc.loadStats.rate;
    };
    // the compact index copies each template's stored int8 row; the float index decodes every
    // float32 template (its exact re-rank needs them): the same rows, the same run
    // the process's first load is what a starting matcher does; it pays for memory the process
    // never had (page faults) and for unoptimised code, so it is printed apart from the later ones
    const compact: number[] = [];
    for (let i = 0; i < 5; i++) compact.push(await load(true));
    const first = compact[0];
    const later = compact.slice(1).sort((a, b) => a - b);
    const median = (later[1] + later[2]) / 2;
    const float = await load(false);
    const f = (x: number) => Math.round(x).toLocaleString('en');
    row(`cache load (postgres, ${rows / 1e6}M rows)`, `${f(first)} templates/s first load, ${f(median)}/s after`, `compact index, the process's first load, then the median of the next 4 (${f(later[0])}–${f(later[3])}): one binary COPY of id and int8 row read off the socket into the index; the float index from the same rows: ${f(float)}/s (the compact load is ${(median / float).toFixed(1)}× faster); filled server-side in ${fillS.toFixed(0)} s`);
  } finally {
    await pgc.end();
  }
}

/**
 * 1:N over HTTP through a 3-node cluster (RF 1: each node scans a third, the receiving node
 * scatters and merges) against one node over the same PostgreSQL gallery, in the same run.
 */
async function clusterVsSingle(extractor: Extractor, persons: number): Promise<void> {
  const model = { model: extractor.model, version: extractor.version, dims: extractor.dims };
  const pgs = await startThrowawayPostgres();
  const etcd = await startThrowawayEtcd();
  const spawned: SpawnedMatcher[] = [];
  try {
    (await openStore(pgs.url)).close(); // the schema
    const pgc = new (await import('pg')).default.Client({ connectionString: pgs.url });
    await pgc.connect();
    const probes: ReturnType<typeof toTemplate>[] = [];
    await pgc.query(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at)
      SELECT 'c-' || i, '["default"]', '{}', '[]', '[]', 0, 0 FROM generate_series(0, $1::int - 1) AS i`, [persons]);
    for (let b = 0; b < persons; b += 5000) {
      const ids: string[] = [], data: Buffer[] = [];
      for (let i = b; i < Math.min(persons, b + 5000); i++) {
        const t = toTemplate(model, randomUnit(model.dims));
        if (i % Math.floor(persons / 20) === 0) probes.push(t);
        ids.push(`c-${i}`);
        data.push(Buffer.from(t.data));
      }
      await pgc.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256)
        SELECT id, 0, $3, $4, $5, 'f32', d, 'submitted', NULL, '' FROM unnest($1::text[], $2::bytea[]) AS u(id, d)`, [ids, data, model.model, model.version, model.dims]);
    }
    await pgc.end();
    const ask = (m: SpawnedMatcher, t: ReturnType<typeof toTemplate>) =>
      fetch(`${m.url}/identify`, { method: 'POST', body: Buffer.from(encode({ template: t, maxResults: 10 })), headers: { 'content-type': 'application/cbor', authorization: `Bearer ${m.token}` } });
    const time = async (m: SpawnedMatcher) => {
      // warm up until an answer comes back whole (a cold peer can miss the first scatters)
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await ask(m, probes[0]);
        await r.arrayBuffer();
        if (r.status === 200) break;
        if (Date.now() > deadline) throw new Error(`identify still answered ${r.status} after 60 s`);
        await new Promise((res) => setTimeout(res, 500));
      }
      const times: number[] = [];
      let refused = 0;
      for (const t of probes.slice(1)) {
        const t0 = performance.now();
        const r = await ask(m, t);
        const body = new Uint8Array(await r.arrayBuffer());
        if (r.status !== 200) { refused++; if (refused === 1) process.stderr.write(`  identify answered ${r.status} ${JSON.stringify(body.length ? decode(body) : null).slice(0, 100)}\n`); continue; }
        times.push(performance.now() - t0);
      }
      return { times, refused };
    };
    const base = { MATCHER_STORE: pgs.url, MATCHER_WORKERS: '0', MATCHER_API_TOKENS: 'bench-cluster-token-0001' };
    const single = await spawnMatcher(base, await freePort());
    spawned.push(single);
    const one = await time(single);
    await killHard(single.child);
    for (let i = 0; i < 3; i++) {
      spawned.push(await spawnMatcher({ ...base, MATCHER_ETCD: etcd.url, MATCHER_NODE_ID: `b${i}`, MATCHER_REPLICATION_FACTOR: '1' }, await freePort()));
    }
    // every node live and every person covered before the clock starts
    for (const m of spawned.slice(1)) {
      const deadline = Date.now() + 120_000;
      while ((await fetch(`${m.url}/cluster-ready`, { headers: { authorization: `Bearer ${m.token}` } })).status !== 200) {
        if (Date.now() > deadline) throw new Error('cluster not ready in 120 s');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const three = await time(spawned[1]);
    if (process.env.MATCHER_DEBUG) for (const m of spawned.slice(1)) process.stderr.write(`  --- ${m.url}\n${m.stderr()}\n`);
    if (!three.times.length || !one.times.length) throw new Error(`every query refused (cluster ${three.refused}, one node ${one.refused})`);
    const p50 = (x: { times: number[] }) => pctl(x.times, 0.5);
    row(`identify ${persons / 1000}k x ${model.dims} over HTTP: 3-node cluster vs 1 node`, `${p50(three).toFixed(1)} ms p50 vs ${p50(one).toFixed(1)} ms p50 (${(p50(one) / p50(three)).toFixed(2)}×)`, `same PostgreSQL gallery, ${three.times.length} / ${one.times.length} answered queries (${three.refused} / ${one.refused} refused); RF 1 (each node scans a third, one scatters and merges); all processes share this machine's 2 cores`);
  } finally {
    for (const m of spawned) await killHard(m.child);
    await etcd.stop();
    pgs.stop();
  }
}

/** A full collection, so heap deltas measure what is alive. */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const started = performance.now();
if (process.env.MATCHER_BENCH_ONLY === 'cluster') {
  // one line alone (debugging the cluster): MATCHER_BENCH_ONLY=cluster [MATCHER_DEBUG=1]
  await clusterVsSingle(await createExtractor(), 100_000);
  process.exit(0);
}
if (process.env.MATCHER_BENCH_ONLY === 'load') {
  // the 1M-row PostgreSQL cache load alone: MATCHER_BENCH_ONLY=load
  const pg = await startThrowawayPostgres();
  try { await bulkLoadRate(pg.url, await createExtractor(), 1_000_000); } finally { pg.stop(); }
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  process.exit(0);
}
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
// 10M templates on one node: the compact index (1 byte per dimension), as MATCHER_COMPACT_INDEX=1 runs it
identifyBench(10_000_000, 128, 10, bw, true, true, false);

const extractor = await createExtractor();
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-bench-'));
try {
  await loadRate('sqlite', await openStore(`sqlite:${path.join(tmp, 'b.db')}`), extractor, 800);
  try {
    const pg = await startThrowawayPostgres();
    try {
      await loadRate('postgres', await openStore(pg.url), extractor, 800);
      await bulkLoadRate(pg.url, extractor, 1_000_000);
    } finally { pg.stop(); }
  } catch (e) {
    row('cache load (postgres)', 'not measured', e instanceof Error ? e.message.slice(0, 120) : String(e));
  }
  try {
    await clusterVsSingle(extractor, 100_000);
  } catch (e) {
    row('identify through a 3-node cluster', 'not measured', e instanceof Error ? e.message.slice(0, 120) : String(e));
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
