/**
 * `npm run eval [-- --data DIR] [--json FILE]`: TAR at FAR 1% / 0.1%, best accuracy
 * and rank-1 for the matcher's embedding model on an evaluation set (DIR/manifest.json with
 * `pairs` CSVs `file_x,file_y,decision` relative to each CSV, and items with `identity`).
 * Also prints the score-band false-match rates that matcher/README.md documents.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExtractor } from '../extraction/extractor.ts';
import { CALIBRATION, scoreOf } from '../score-calibration.ts';
import { cosine } from '../template.ts';
import { bestAccuracy, tarAtFar, thresholdAtFar } from './metrics.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const dataDir = path.resolve(arg('--data') ?? path.join(root, '..', 'shared', 'fixtures'));
const jsonOut = arg('--json');
const limit = Number(arg('--limit') ?? Infinity);

interface Item { path: string; kind?: string; label?: string; identity?: string }
const manifest = JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as { items?: Item[]; pairs?: string | string[] };
const pairFiles = manifest.pairs === undefined ? [] : Array.isArray(manifest.pairs) ? manifest.pairs : [manifest.pairs];

const pairs: { a: string; b: string; same: boolean }[] = [];
for (const f of pairFiles) {
  const csv = path.join(dataDir, f);
  const base = path.dirname(csv);
  const lines = readFileSync(csv, 'utf8').split(/\r?\n/).filter(Boolean);
  for (const line of lines.slice(1)) {
    const [x, y, d] = line.split(',').map((s) => s.trim());
    if (!x || !y || !d) continue;
    pairs.push({ a: path.join(base, x), b: path.join(base, y), same: /^(yes|true|1)$/i.test(d) });
  }
}
const identities = (manifest.items ?? []).filter((i) => i.identity && (i.kind ?? 'image') === 'image' && (i.label ?? 'bona_fide') === 'bona_fide')
  .map((i) => ({ file: path.join(dataDir, i.path), identity: i.identity! }));

const files = [...new Set([...pairs.flatMap((p) => [p.a, p.b]), ...identities.map((i) => i.file)])].slice(0, limit);
const extractor = await createExtractor();
const emb = new Map<string, Float32Array | null>();
const t0 = performance.now();
let failed = 0;
for (const [i, f] of files.entries()) {
  if (!existsSync(f)) { emb.set(f, null); failed++; continue; }
  try { emb.set(f, (await extractor.extract(new Uint8Array(readFileSync(f)))).embedding); } catch { emb.set(f, null); failed++; }
  if ((i + 1) % 100 === 0) process.stderr.write(`  embedded ${i + 1}/${files.length}\n`);
}
const msPer = (performance.now() - t0) / (files.length || 1);

// a failure to extract counts as a non-match on both sides (similarity −1)
const sim = (a: string, b: string) => { const x = emb.get(a), y = emb.get(b); return x && y ? cosine(x, y) : -1; };
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function report(name: string, gen: number[], imp: number[]) {
  const acc = bestAccuracy(gen, imp);
  return { name, genuine: gen.length, impostor: imp.length, tar1: tarAtFar(gen, imp, 0.01), tar01: tarAtFar(gen, imp, 0.001), accuracy: acc.accuracy, t1: thresholdAtFar(imp, 0.01), t01: thresholdAtFar(imp, 0.001) };
}

const usable = pairs.filter((p) => emb.has(p.a) && emb.has(p.b));
const pairRep = report('pairs CSV', usable.filter((p) => p.same).map((p) => sim(p.a, p.b)), usable.filter((p) => !p.same).map((p) => sim(p.a, p.b)));

// all-vs-all over labelled identities: many more impostor pairs, so FAR 0.1% is well resolved
const ids = identities.filter((i) => emb.has(i.file));
const gAll: number[] = [], iAll: number[] = [];
for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) (ids[i].identity === ids[j].identity ? gAll : iAll).push(sim(ids[i].file, ids[j].file));
const allRep = report('all-vs-all identities', gAll, iAll);

// rank-1: first image of each identity enrolled, the others probe against every enrolled identity
const byId = new Map<string, string[]>();
for (const i of ids) byId.set(i.identity, [...(byId.get(i.identity) ?? []), i.file]);
const gallery = [...byId].map(([id, fs]) => ({ id, f: fs[0] }));
let hits = 0, probes = 0;
for (const [id, fs] of byId) {
  for (const f of fs.slice(1)) {
    probes++;
    let best = { id: '', s: -Infinity };
    for (const g of gallery) { const s = sim(f, g.f); if (s > best.s) best = { id: g.id, s }; }
    if (best.id === id) hits++;
  }
}
const rank1 = probes ? hits / probes : 0;

console.log(`model: ${extractor.model}@${extractor.version} (${extractor.dims}-d), faces: ${extractor.finderSource}`);
console.log(`images: ${files.length}, no usable face: ${failed}, ${msPer.toFixed(0)} ms/image\n`);
console.log('| protocol | genuine | impostor | TAR @ FAR 1% | TAR @ FAR 0.1% | best accuracy | cos @ FAR 1% | cos @ FAR 0.1% |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of [pairRep, allRep]) console.log(`| ${r.name} | ${r.genuine} | ${r.impostor} | ${pct(r.tar1)} | ${pct(r.tar01)} | ${pct(r.accuracy)} | ${r.t1.toFixed(4)} | ${r.t01.toFixed(4)} |`);
console.log(`\nrank-1 hit rate: ${pct(rank1)} (${hits}/${probes} probes, ${gallery.length} enrolled identities)\n`);

// score bands (calibration ${CALIBRATION.model}): share of impostor and genuine pairs landing in each
const bands: [string, (s: number) => boolean][] = [['≥ +50 approve', (s) => s >= 50], ['+1…+49 review', (s) => s >= 1 && s < 50], ['−1…−39 review', (s) => s <= -1 && s > -40], ['≤ −40 deny', (s) => s <= -40]];
const impMean = iAll.reduce((a, b) => a + b, 0) / (iAll.length || 1);
const impSorted = [...iAll].sort((a, b) => a - b);
const q = (p: number) => impSorted[Math.min(impSorted.length - 1, Math.floor(p * impSorted.length))] ?? Number.NaN;
console.log(`score bands (all-vs-all; impostor cosine mean ${impMean.toFixed(4)}, p50 ${q(0.5).toFixed(4)}, p95 ${q(0.95).toFixed(4)}, p99 ${q(0.99).toFixed(4)}; knots ${CALIBRATION.knots.map((k) => `${k.cosine}→${k.score}`).join(', ')})`);
const share = (xs: number[], f: (s: number) => boolean) => xs.filter((s) => f(scoreOf(s))).length / (xs.length || 1);
const pairG = usable.filter((p) => p.same).map((p) => sim(p.a, p.b)), pairI = usable.filter((p) => !p.same).map((p) => sim(p.a, p.b));
const bandRows = bands.map(([name, f]) => ({
  band: name,
  impostor_share: share(iAll, f),
  genuine_share: share(gAll, f),
  pairs_impostor_share: share(pairI, f),
  pairs_genuine_share: share(pairG, f),
}));
console.log(`| band | false-match rate (all-vs-all, ${iAll.length} impostor pairs) | genuine share (${gAll.length}) | pairs CSV: impostor share (${pairI.length}) | pairs CSV: genuine share (${pairG.length}) |`);
console.log('|---|---|---|---|---|');
for (const b of bandRows) console.log(`| ${b.band} | ${(100 * b.impostor_share).toFixed(3)}% | ${pct(b.genuine_share)} | ${(100 * b.pairs_impostor_share).toFixed(2)}% | ${pct(b.pairs_genuine_share)} |`);

if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({
    match: { genuine: pairRep.genuine, impostor: pairRep.impostor, tar_at_far: { '0.01': pairRep.tar1, '0.001': pairRep.tar01 }, accuracy: pairRep.accuracy, rank1 },
    all_vs_all: { genuine: allRep.genuine, impostor: allRep.impostor, tar_at_far: { '0.01': allRep.tar1, '0.001': allRep.tar01 }, accuracy: allRep.accuracy, cosine_at_far: { '0.01': allRep.t1, '0.001': allRep.t01 } },
    model: `${extractor.model}@${extractor.version}`,
    bands: { knots: CALIBRATION.knots, impostor_cosine: { p50: q(0.5), p95: q(0.95), p99: q(0.99) }, rows: bandRows },
  }, null, 2));
}
process.exit(0);
