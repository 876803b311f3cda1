/**
 * Synthesized attacks over the evaluation set's own bona fide items: the data sets have (almost)
 * no real attacks, so the recipes in pad/recipes (the ones pad/train.ts trains on) build them from
 * its live clips and photos, and each recipe's evidence frames are scored exactly as the matcher's
 * POST /liveness scores a submission (`scoreLiveness`: JPEG bytes, the matcher's own landmarks and
 * screen objects, then padFromFrames).
 *
 * Source files the model was trained on (their sha256 is in PAD_WEIGHTS.training.trainItems) are
 * left out, so the figures speak of unseen faces and clips.
 *  - bona fide: `bonaFideWindow` every BONA_STRIDE frames of each remaining clip (as pad/train.ts),
 *    the near frame a modelled approach of the person (`physicalApproach`), not a zoom;
 *  - print, screen, phone_in_frame, still_camera: the photo recipes on each remaining clip's
 *    middle frame and on remaining photos (sampled by a stable hash, spread over source folders);
 *  - video_replay: `videoReplayAttack` on clip windows every REPLAY_STRIDE frames.
 * Every class gets an equal share of the cap (`balance`); seeds are a stable hash of the sample.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createExtractor, type Extractor } from '../../matcher/extraction/extractor.ts';
import { scoreLiveness } from '../../matcher/liveness/server-pad.ts';
import type { ImageInput } from '../../vision/types.ts';
import { PAD_WEIGHTS } from '../../vision/pad/index.ts';
import { decodeClip, decodeImage } from '../fixtures.ts';
import {
  bonaFideWindow,
  phoneInFrameAttack,
  printAttack,
  screenAttack,
  stillCameraAttack,
  videoReplayAttack,
  windowStarts,
  physicalApproach,
  type Approach,
  type RecipeFrame,
} from '../recipes/index.ts';
import type { ItemResult } from './report.ts';
import { sampleImages, type SampleItem } from './sample.ts';

/** Fixed seed: the same samples on every run and machine. */
export const SYNTH_SEED = 20240917;
/** Bona fide windows every 20 frames (0.8 s), as pad/train.ts (each window draws its own near-frame zoom). */
export const BONA_STRIDE = 20;
/** Replay windows overlap more (20 frames) so the species can reach its share from few clips. */
export const REPLAY_STRIDE = 20;
/** Evidence frames travel as JPEG at this quality (pad/train.ts toPadFrames, pad/eval/images.ts). */
const JPEG_QUALITY = 88;

const PHOTO_RECIPES = {
  print: printAttack,
  screen: screenAttack,
  phone_in_frame: phoneInFrameAttack,
  still_camera: stillCameraAttack,
} as const;
export type PhotoSpecies = keyof typeof PHOTO_RECIPES;
export const PHOTO_SPECIES = Object.keys(PHOTO_RECIPES) as PhotoSpecies[];
export type SynthLabel = 'bona_fide' | PhotoSpecies | 'video_replay';
/** Table/JSON order of the classes; also the order `balance` hands out the remainder. */
export const SYNTH_LABELS: readonly SynthLabel[] = ['bona_fide', ...PHOTO_SPECIES, 'video_replay'];

/** One synthesized presentation: a recipe on a source file (a clip window, a clip's middle frame, or a photo). */
export interface SynthJob {
  label: SynthLabel;
  source: string;
  kind: 'image' | 'video';
  /** first clip frame of the window (bona fide and replay windows only) */
  start?: number;
  seed: number;
}

const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/** The training source hashes the weights declare, or null when the field is absent or malformed. */
export function trainItemsOf(training: Record<string, unknown> | undefined): string[] | null {
  const t = training?.trainItems;
  return Array.isArray(t) && t.every((x): x is string => typeof x === 'string') ? t : null;
}

/** Splits items into those whose content hash is not a training source and those that are. */
export function excludeTrained<T>(items: readonly T[], hashOf: (item: T) => string, trainItems: readonly string[]): { kept: T[]; excluded: T[] } {
  const trained = new Set(trainItems.map((h) => h.toLowerCase()));
  const kept: T[] = [];
  const excluded: T[] = [];
  for (const it of items) (trained.has(hashOf(it).toLowerCase()) ? excluded : kept).push(it);
  return { kept, excluded };
}

/**
 * Splits `total` over classes with `avail[i]` candidates each, as evenly as they allow: one more to
 * each class in turn until the total or every class runs out (a short class's share goes to the others).
 */
export function balance(total: number, avail: readonly number[]): number[] {
  const out = avail.map(() => 0);
  let left = Math.max(0, Math.floor(total));
  for (let moved = true; left > 0 && moved; ) {
    moved = false;
    for (let i = 0; i < out.length && left > 0; i++)
      if (out[i] < avail[i]) {
        out[i]++;
        left--;
        moved = true;
      }
  }
  return out;
}

/** `n` of `xs` chosen by a stable hash of `key` (spread without favouring any position), in their original order. */
export function pickStable<T>(xs: readonly T[], n: number, key: (x: T) => string): T[] {
  const keep = new Set([...xs].sort((a, b) => sha256(key(a)).localeCompare(sha256(key(b)))).slice(0, Math.max(0, n)));
  return xs.filter((x) => keep.has(x));
}

/** A 31-bit recipe seed from the sample's identity: adding or capping samples never reseeds the others. */
export const jobSeed = (seed: number, label: string, source: string, start = 0) => parseInt(sha256(`${seed}:${label}:${source}:${start}`).slice(0, 8), 16) >>> 1;

/**
 * The samples for `max` presentations from the remaining clips (path, frame count) and photos.
 * Photo species take every clip's middle frame first (the bona fide windows' own domain), then
 * photos (spread over source folders in proportion to their size) dealt to the species in turn, so
 * within each folder the species counts differ by at most one.
 */
export function planSynth<I extends SampleItem>(o: { clips: readonly { path: string; frames: number }[]; images: readonly I[]; max: number; seed: number }): SynthJob[] {
  const windows = (stride: number) => o.clips.flatMap((c) => windowStarts(c.frames, stride).map((start) => ({ path: c.path, start })));
  const bona = windows(BONA_STRIDE);
  const replay = windows(REPLAY_STRIDE);
  const photoAvail = o.clips.length + Math.floor(o.images.length / PHOTO_SPECIES.length);
  const [nBona, ...rest] = balance(o.max, [bona.length, ...PHOTO_SPECIES.map(() => photoAvail), replay.length]);
  const nPhoto = rest.slice(0, PHOTO_SPECIES.length);
  const nReplay = rest[PHOTO_SPECIES.length];
  const win = (label: SynthLabel) => (w: { path: string; start: number }): SynthJob => ({ label, source: w.path, kind: 'video', start: w.start, seed: jobSeed(o.seed, label, w.path, w.start) });
  const jobs: SynthJob[] = pickStable(bona, nBona, (w) => `${w.path}@${w.start}`).map(win('bona_fide'));
  // clip middle frames first, then the photos each species still needs, dealt round robin
  const fromClips = nPhoto.map((n) => Math.min(n, o.clips.length));
  const need = nPhoto.map((n, i) => n - fromClips[i]);
  const deal = Array.from({ length: Math.max(0, ...need) }, (_, round) => PHOTO_SPECIES.filter((_, i) => round < need[i])).flat();
  // sampleImages may round its per-folder quotas up by one or two: the deal decides the count
  const photos = sampleImages(o.images, deal.length).slice(0, deal.length);
  PHOTO_SPECIES.forEach((label, i) => {
    for (const c of o.clips.slice(0, fromClips[i])) jobs.push({ label, source: c.path, kind: 'video', seed: jobSeed(o.seed, label, c.path) });
  });
  photos.forEach((p, k) => jobs.push({ label: deal[k], source: p.path, kind: 'image', seed: jobSeed(o.seed, deal[k], p.path) }));
  jobs.push(...pickStable(replay, nReplay, (w) => `${w.path}@${w.start}`).map(win('video_replay')));
  return jobs;
}

/** The recipe's evidence frames for one job (`clip` for clip sources, `photo` for photo sources). */
async function render(job: SynthJob, src: { clip?: readonly ImageInput[]; photo?: ImageInput }, approach: Approach): Promise<RecipeFrame[]> {
  if (job.label === 'bona_fide') return bonaFideWindow(src.clip!, job.start!, job.seed, approach);
  if (job.label === 'video_replay') return videoReplayAttack(src.clip!, job.seed, job.start!);
  const still = src.photo ?? src.clip![Math.floor(src.clip!.length / 2)];
  return PHOTO_RECIPES[job.label](still, job.seed);
}

const jpeg = async (img: ImageInput, quality = JPEG_QUALITY) =>
  new Uint8Array(
    await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: img.channels } })
      .jpeg({ quality, chromaSubsampling: '4:2:0' })
      .toBuffer(),
  );

export interface SynthOptions {
  dataDir: string;
  items: readonly (SampleItem & { kind: string })[];
  max: number;
  /** the matcher's liveness threshold and object-detection switch (its config) */
  threshold: number;
  objects: boolean;
  log: (line: string) => void;
}

export interface SynthRun {
  results: ItemResult[];
  /** bona fide source files left out as training sources, and how many hashes the weights list (null: none declared) */
  excluded: number;
  trainItemsListed: number | null;
  /** samples whose server `live` disagreed with liveness ≥ threshold (expected 0: fuse keeps them aligned) */
  liveMismatch: number;
  ms: number;
}

/** Builds the synthesized samples from the data set's bona fide items and scores each as POST /liveness would. */
export async function runSynth(o: SynthOptions): Promise<SynthRun> {
  const t0 = performance.now();
  const listed = trainItemsOf(PAD_WEIGHTS.training);
  const bonaItems = o.items.filter((i) => i.label === 'bona_fide' && (i.kind === 'image' || i.kind === 'video') && existsSync(path.join(o.dataDir, i.path)));
  const { kept, excluded } = excludeTrained(bonaItems, (i) => sha256(readFileSync(path.join(o.dataDir, i.path))), listed ?? []);
  o.log(
    listed === null
      ? `training sources: vision/pad/weights.json lists none (training.trainItems absent), so no source is left out — files the model was trained on may be among these sources`
      : `training sources: left out ${excluded.length} of ${bonaItems.length} bona fide files (${excluded.filter((i) => i.kind === 'video').length} clips, ${excluded.filter((i) => i.kind === 'image').length} photos): their sha256 is in PAD_WEIGHTS.training.trainItems (${listed.length} listed), i.e. the model was trained on them`,
  );
  // clip lengths decide the windows; frames are decoded again per clip below so only one clip is held at a time
  const clipPaths = kept.filter((i) => i.kind === 'video').map((i) => i.path);
  const clips: { path: string; frames: number }[] = [];
  for (const p of clipPaths) clips.push({ path: p, frames: (await decodeClip(path.join(o.dataDir, p))).length });
  const jobs = planSynth({ clips, images: kept.filter((i) => i.kind === 'image'), max: o.max, seed: SYNTH_SEED });
  const count = (l: SynthLabel) => jobs.filter((j) => j.label === l).length;
  o.log(`sources: ${clips.length} clips, ${kept.length - clips.length} photos; samples (--max-synth ${o.max}, seed ${SYNTH_SEED}): ${SYNTH_LABELS.map((l) => `${l} ${count(l)}`).join(', ')}`);

  const extractor: Extractor = await createExtractor();
  // bona fide windows come closer as a person does (pad/recipes/approach.ts), landmarks by the matcher's own mesh
  const approach = physicalApproach(async (img) => (await extractor.analyse(await jpeg(img, 95))).landmarks ?? null);
  const results: ItemResult[] = [];
  let liveMismatch = 0;
  const sources = [...new Set(jobs.map((j) => j.source))];
  for (const source of sources) {
    const mine = jobs.filter((j) => j.source === source);
    const file = path.join(o.dataDir, source);
    let src: { clip?: ImageInput[]; photo?: ImageInput } | undefined;
    for (const job of mine) {
      const id = `${job.label}:${job.source}${job.start === undefined ? '' : `@${job.start}`}`;
      const s = performance.now();
      try {
        src ??= mine[0].kind === 'video' ? { clip: await decodeClip(file) } : { photo: await decodeImage(file) };
        const frames = await render(job, src, approach);
        const body = { frames: await Promise.all(frames.map((f) => jpeg(f.image))), roles: frames.map((f) => f.role), t: frames.map((f) => f.t) };
        const r = await scoreLiveness(extractor, body, { threshold: o.threshold, objects: o.objects });
        if (r.live !== r.liveness >= o.threshold) liveMismatch++;
        results.push({
          path: id, kind: job.kind, label: job.label, device: null, liveness: r.liveness, deviceCodes: [], reasons: r.reasons, ms: performance.now() - s,
          ...(job.label === 'bona_fide' ? { signals: r.signals } : {}),
        });
      } catch (e) {
        results.push({ path: id, kind: job.kind, label: job.label, device: null, liveness: null, deviceCodes: [], reasons: [], error: e instanceof Error ? e.message.slice(0, 120) : 'ERROR', ms: performance.now() - s });
      }
      if (results.length % 10 === 0 || results.length === jobs.length)
        o.log(`  synthesized ${results.length}/${jobs.length} — ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  return { results, excluded: excluded.length, trainItemsListed: listed?.length ?? null, liveMismatch, ms: performance.now() - t0 };
}
