/**
 * `npm run eval [-- --data DIR] [--json FILE] [--max-images N] [--max-videos N] [--max-synth N] [--device-ms MS] [--label L] [--turn]`:
 * presentation-attack detection on an evaluation set (DIR/manifest.json: items {path, kind, label}).
 * Every label other than bona_fide is an attack species, seen in training or not. N = 0 skips a part.
 *  - videos: the real pipeline (Chromium fake camera + <liveness-capture> + verifier + matcher),
 *    see videos.ts; device = on-device checks reached capture, server = verdict liveness ≥ 50;
 *  - images: the single-image API (POST /v1/liveness/image on the real verifier + matcher), see
 *    images.ts; device = its pre-analysis steps pass, server = its liveness confidence ≥ 50.
 *  - synthesized (--max-synth, default 120 samples, ~4 min on 2 cores): the pad/recipes attacks
 *    and bona fide windows built from the set's own bona fide items the model was not trained on,
 *    scored by the matcher's `scoreLiveness` as POST /liveness would, see synth.ts.
 * Combined = device AND server accept. BPCER @ APCER x% sweeps the server's liveness score.
 * `--signals`: after the synthesized part, each PAD signal's distribution per bona fide source
 * group and the signal (or veto) behind every rejected bona fide window (signals.ts).
 * `--label L`: only the manifest items labelled L (e.g. `replay`). `--turn`: every video session
 * also asks for a head turn to a random side (the verifier's `challengeTurn`); each item says the
 * side asked, whether the device saw it, and whether the server found it (no CHALLENGE_TURN). A
 * recorded clip cannot follow the instruction, so this measures what a replayed recording answers,
 * not a person's BPCER.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../matcher/config.ts';
import { createImageScorer, STATIC_CHECKS } from './images.ts';
import { bySource, itemLines, section, serverTable, sourceTable, tables, APCER_TARGETS, type ItemResult, type KindSection } from './report.ts';
import { sampleImages, strata } from './sample.ts';
import { signalReport, signalTables } from './signals.ts';
import { runSynth, SYNTH_LABELS } from './synth.ts';
import { createVideoRunner } from './videos.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const dataDir = path.resolve(arg('--data') ?? path.join(root, '..', 'shared', 'fixtures'));
const jsonOut = arg('--json');
const maxImages = Number(arg('--max-images') ?? 80);
const maxVideos = Number(arg('--max-videos') ?? Infinity);
const maxSynth = Number(arg('--max-synth') ?? 120);
const withSignals = args.includes('--signals');
const onlyLabel = arg('--label');
const challengeTurn = args.includes('--turn');
// the head turn adds a step of up to 12 s (flowConfig.turnTimeoutMs) to the device's time
const deviceMs = Number(arg('--device-ms') ?? (challengeTurn ? 37_000 : 25_000));
if (withSignals && maxSynth <= 0) console.log('--signals needs the synthesized part: --max-synth is 0, so there is no signal report');
const matcherConfig = resolveConfig();
/** the matcher's (and verifier's) liveness operating threshold */
const THRESHOLD = matcherConfig.livenessThreshold;

interface Item { path: string; kind: 'image' | 'video'; label: string; identity?: string }
const manifest = JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as { items?: Item[] };
const all = (manifest.items ?? []).filter((i) => (i.kind === 'image' || i.kind === 'video') && (!onlyLabel || i.label === onlyLabel));
// sampleImages keeps every attack image whatever the cap: 0 must mean no images at all
const images = maxImages > 0 ? sampleImages(all.filter((i) => i.kind === 'image'), maxImages) : [];
const videos = all.filter((i) => i.kind === 'video').slice(0, maxVideos);
const fmtStrata = (xs: Item[]) => Object.entries(strata(xs)).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

console.log(`data: ${dataDir}`);
console.log(`images: ${images.length} of ${all.filter((i) => i.kind === 'image').length} (--max-images ${maxImages}; every attack image kept, bona fide spread over folders by a stable hash): ${fmtStrata(images)}`);
console.log(`videos: ${videos.length} of ${all.filter((i) => i.kind === 'video').length}: ${fmtStrata(videos)}`);
console.log(`operating point: liveness ≥ ${THRESHOLD}${onlyLabel ? `; only items labelled ${onlyLabel}` : ''}${challengeTurn ? '; sessions ask for a head turn (--turn)' : ''}\n`);

const results: ItemResult[] = [];
const t0 = performance.now();

if (videos.length) {
  const runner = await createVideoRunner({ deviceMs, challengeTurn, log: (s) => console.log(s) });
  try {
    for (const [n, it] of videos.entries()) {
      const file = path.join(dataDir, it.path);
      const subject = `pad-eval-${n}-${Date.now().toString(36)}`;
      let r: ItemResult;
      if (!existsSync(file)) {
        r = { path: it.path, kind: 'video', label: it.label, device: null, liveness: null, deviceCodes: [], reasons: [], error: 'MISSING_FILE', ms: 0 };
      } else {
        try {
          // a real person's clip comes closer in depth; an attack clip as one plane (pad/eval/videos.ts)
          const o = await createAbortable(() => runner.run(file, subject, it.label === 'bona_fide' ? 'person' : 'plane'), 240_000);
          r = { path: it.path, kind: 'video', label: it.label, device: o.deviceAccept, liveness: o.liveness, deviceCodes: o.deviceCodes, reasons: o.reasons, forced: o.forced, error: o.error, ms: o.ms, ...(o.turn ? { turn: o.turn } : {}), ...(o.forcedTurn ? { forcedTurn: o.forcedTurn } : {}) };
        } catch (e) {
          r = { path: it.path, kind: 'video', label: it.label, device: false, liveness: null, deviceCodes: [], reasons: [], error: e instanceof Error ? e.message.split('\n')[0].slice(0, 120) : 'ERROR', ms: 0 };
        }
      }
      results.push(r);
      // the server's answer is about the session it scored: the forced one when the device blocked
      const found = r.reasons.includes('CHALLENGE_TURN') ? 'did not find it (CHALLENGE_TURN)' : r.liveness === null ? 'no score' : 'found it';
      const turnNote = r.turn ? `, turn ${r.turn} asked${r.forced ? `, forced session asked ${r.forcedTurn}` : ''}: server ${found}` : '';
      console.log(`  video ${n + 1}/${videos.length} ${it.path} [${it.label}]: device ${r.device === null ? 'n/a' : r.device ? 'accept' : 'reject'}, server liveness ${r.liveness ?? 'none'}${r.forced ? ' (forced capture)' : ''}${turnNote}${r.error ? `, ${r.error}` : ''} — ${(r.ms / 1000).toFixed(1)} s`);
    }
  } finally {
    await runner.close();
  }
}
const tVideo = performance.now() - t0;

if (images.length) {
  const scorer = await createImageScorer();
  try {
    for (const [n, it] of images.entries()) {
      const file = path.join(dataDir, it.path);
      let r: ItemResult;
      try {
        const o = await scorer.score(file);
        r = { path: it.path, kind: 'image', label: it.label, device: o.deviceAccept, liveness: o.liveness, deviceCodes: o.deviceCodes, reasons: o.reasons, ms: o.ms, upscaled: o.upscaled };
      } catch (e) {
        r = { path: it.path, kind: 'image', label: it.label, device: null, liveness: null, deviceCodes: [], reasons: [], error: e instanceof Error ? e.message.slice(0, 120) : 'ERROR', ms: 0 };
      }
      results.push(r);
      if (it.label !== 'bona_fide' || (n + 1) % 20 === 0) console.log(`  image ${n + 1}/${images.length} ${it.path} [${it.label}]: device ${r.device === null ? 'n/a' : r.device ? 'accept' : 'reject'}, server liveness ${r.liveness ?? 'none'}${r.error ? `, ${r.error}` : ''}`);
    }
  } finally {
    await scorer.close();
  }
}
const tImage = performance.now() - t0 - tVideo;

if (results.length) {
  console.log(`\nPAD at the operating point (liveness ≥ ${THRESHOLD}); attack rows give APCER, every row repeats the BPCER of that kind's bona fide items; BPCER @ APCER sweeps the server liveness score.`);
  console.log(`Decision paths — video: device = <liveness-capture> on Chromium reached capture within ${deviceMs / 1000} s; server = verdict liveness from the real verifier + matcher POST /liveness (forced capture when the device blocked); combined = both.`);
  console.log(`image: the single-image API, POST /v1/liveness/image (real verifier + matcher, device 'mobile'); device = its pre-analysis steps (${STATIC_CHECKS.join(', ')}) all pass; server = its liveness confidence with pre-analysis off (the single-frame PAD: texture and context only, no motion, no approach; docs/single-image.md); images under 320×240 are scaled up to it first (${results.filter((r) => r.kind === 'image' && r.upscaled).length} here).\n`);
  console.log(tables(results, THRESHOLD));
  const vids = results.filter((r) => r.kind === 'video');
  if (vids.some((r) => r.label === 'bona_fide')) console.log(`\nvideos, BPCER per bona fide source:\n${sourceTable(vids, THRESHOLD)}`);
  const notBona = results.filter((r) => r.label !== 'bona_fide' || r.error || r.kind === 'video');
  console.log(`\nper item (videos, attacks and errors):\n${itemLines(notBona, THRESHOLD)}`);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  console.log(`\ntime: videos ${(tVideo / 1000).toFixed(0)} s (${(mean(results.filter((r) => r.kind === 'video').map((r) => r.ms)) / 1000).toFixed(1)} s/item), images ${(tImage / 1000).toFixed(0)} s (${mean(results.filter((r) => r.kind === 'image').map((r) => r.ms)).toFixed(0)} ms/item)`);
}

const synth = maxSynth > 0 ? await synthesized() : undefined;

if (jsonOut) {
  const kinds = { image: results.filter((r) => r.kind === 'image'), video: results.filter((r) => r.kind === 'video'), all: results };
  const overall = section(results, THRESHOLD);
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        pad: {
          operating_point: { liveness: THRESHOLD },
          primary_decision: 'server',
          bona_fide: { n: overall.bona_fide.n, bpcer: overall.bona_fide.bpcer.server.rate },
          species: Object.fromEntries(Object.entries(overall.species).map(([k, v]) => [k, { n: v.n, apcer: v.apcer.server.rate }])),
          decisions: Object.fromEntries(Object.entries(kinds).filter(([, v]) => v.length).map(([k, v]) => [k, section(v, THRESHOLD)])),
          bpcer_by_source: { video: bySource(kinds.video, THRESHOLD), image: bySource(kinds.image, THRESHOLD) },
          bpcer_at_apcer: Object.fromEntries(APCER_TARGETS.map((t) => [String(t), overall.all_attacks.bpcer_at_apcer[String(t)].bpcer])),
          paths: {
            video: 'chromium fake camera + <liveness-capture> + edge verifier + matcher POST /liveness',
            image: 'padFromFrames single frame (single-frame model, requireApproach false) in Node; never live by design (PAD_SINGLE_FRAME); device = static checks',
          },
          sampled: { images: images.length, videos: videos.length, strata: strata([...images, ...videos]) },
          items: results,
          ...(synth && { synthesized: synth }),
        },
      },
      null,
      2,
    ),
  );
}
process.exit(0);

/** Builds, scores and prints the synthesized-species section; returns its JSON. */
async function synthesized() {
  console.log(`\nSynthesized attacks (recipes in pad/recipes over the data set's bona fide items not used in training; server decision)`);
  const run = await runSynth({ dataDir, items: all, max: maxSynth, threshold: THRESHOLD, objects: matcherConfig.padObjects, log: (s) => console.log(s) });
  const errors = run.results.filter((r) => r.error).length;
  console.log(
    `Decision: matcher scoreLiveness (POST /liveness) on the recipe's 10 evidence frames as JPEG q88 with their roles and times — the matcher's own landmarks, CenterNet screen objects on the best frame ${matcherConfig.padObjects ? 'on' : 'off'} (its config), padFromFrames; accepted = liveness ≥ ${THRESHOLD}. BPCER @ APCER sweeps liveness.` +
      (run.liveMismatch ? ` WARNING: ${run.liveMismatch} samples where the server's live flag disagrees with liveness ≥ ${THRESHOLD}.` : '') +
      (errors ? ` ${errors} samples failed (counted as rejected).` : '') +
      '\n',
  );
  console.log(serverTable(run.results, THRESHOLD));
  const wrong = run.results.filter((r) => r.error || (r.label === 'bona_fide') !== (r.liveness !== null && r.liveness >= THRESHOLD));
  if (wrong.length) console.log(`\nsynthesized errors at the operating point (bona fide rejected, attacks accepted, failures):\n${itemLines(wrong, THRESHOLD)}`);
  console.log(`\ntime: synthesized ${(run.ms / 1000).toFixed(0)} s (${(run.results.reduce((a, r) => a + r.ms, 0) / (run.results.length || 1) / 1000).toFixed(1)} s/sample incl. rendering)`);
  const s = section(run.results, THRESHOLD);
  const bona = run.results.filter((r) => r.label === 'bona_fide' && r.liveness !== null && r.signals);
  const report = withSignals
    ? signalReport(bona.map((r) => ({ source: r.path.replace(/^bona_fide:/, '').replace(/@\d+$/, ''), liveness: r.liveness!, reasons: r.reasons, signals: r.signals! })), THRESHOLD)
    : undefined;
  if (report) console.log(`\nPer-signal report over ${bona.length} synthesized bona fide windows (server signals, operating point ${THRESHOLD}):\n${signalTables(report)}`);
  const summary = (sp: KindSection['all_attacks']) => ({
    n: sp.n,
    apcer: sp.apcer.server.rate,
    bpcer_at_apcer: Object.fromEntries(APCER_TARGETS.map((t) => [String(t), sp.bpcer_at_apcer[String(t)].bpcer])),
  });
  return {
    operating_point: { liveness: THRESHOLD },
    excluded_training_items: run.excluded,
    training_items_listed: run.trainItemsListed,
    bona_fide: { n: s.bona_fide.n, bpcer: s.bona_fide.bpcer.server.rate },
    species: Object.fromEntries(SYNTH_LABELS.filter((l) => l in s.species).map((l) => [l, summary(s.species[l])])),
    all_attacks: summary(s.all_attacks),
    // every sample's decision, as `items` holds the real ones (its signals are in `signals` per source)
    items: run.results.map(({ signals: _signals, ...r }) => r),
    ...(report && { signals: report }),
  };
}

/** Bounds one item's total time (browser start + device window + forced run + verdict). */
function createAbortable<T>(f: () => Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`item took longer than ${ms / 1000} s`)), ms);
    f().then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
