import { describe, expect, it } from 'vitest';
import { WINDOW_FRAMES } from '../recipes/index.ts';
import { balance, excludeTrained, jobSeed, pickStable, planSynth, SYNTH_LABELS, trainItemsOf } from './synth.ts';

const photos = (folder: string, n: number) => Array.from({ length: n }, (_, i) => ({ path: `faces/${folder}/p${i}.jpg`, kind: 'image', label: 'bona_fide' }));
const countBy = (xs: { label: string }[]) => Object.fromEntries(SYNTH_LABELS.map((l) => [l, xs.filter((x) => x.label === l).length]));

describe('synthesized attack planning', () => {
  it('reads the training hashes only when the weights declare a list of strings', () => {
    expect(trainItemsOf({ trainItems: ['ab', 'cd'] })).toEqual(['ab', 'cd']);
    expect(trainItemsOf({})).toBeNull();
    expect(trainItemsOf(undefined)).toBeNull();
    expect(trainItemsOf({ trainItems: ['ab', 3] })).toBeNull();
  });

  it('leaves out items whose content hash is a training source, whatever the hex case', () => {
    const items = [{ p: 'a', h: 'AA11' }, { p: 'b', h: 'bb22' }, { p: 'c', h: 'cc33' }];
    const r = excludeTrained(items, (i) => i.h, ['aa11', 'CC33']);
    expect(r.kept.map((i) => i.p)).toEqual(['b']);
    expect(r.excluded.map((i) => i.p)).toEqual(['a', 'c']);
    expect(excludeTrained(items, (i) => i.h, []).kept).toHaveLength(3);
  });

  it('balances a total over classes and hands a short class’s share to the others', () => {
    expect(balance(12, [10, 10, 10])).toEqual([4, 4, 4]);
    expect(balance(13, [2, 10, 10])).toEqual([2, 6, 5]);
    expect(balance(100, [1, 2, 3])).toEqual([1, 2, 3]);
    expect(balance(0, [5, 5])).toEqual([0, 0]);
  });

  it('picks stably, keeping the original order', () => {
    const xs = Array.from({ length: 20 }, (_, i) => `x${i}`);
    const a = pickStable(xs, 5, (x) => x);
    expect(a).toHaveLength(5);
    expect(pickStable([...xs].reverse(), 5, (x) => x)).toEqual([...a].reverse());
    expect(a).toEqual([...a].sort((p, q) => xs.indexOf(p) - xs.indexOf(q)));
  });

  it('plans balanced, deterministic samples from clips and photos of every folder', () => {
    const clips = [{ path: 'video/live/a.mp4', frames: 200 }, { path: 'video/live/b.mp4', frames: 150 }];
    const images = [...photos('deep', 20), ...photos('lfw', 200)];
    const plan = planSynth({ clips, images, max: 60, seed: 7 });
    expect(plan).toEqual(planSynth({ clips, images, max: 60, seed: 7 }));
    expect(plan).toHaveLength(60);
    // bona fide: every 20-frame window of each clip (6 + 4), replay windows likewise: 10 each, as
    // every other species' equal share (60 / 6)
    expect(countBy(plan)).toEqual({ bona_fide: 10, print: 10, screen: 10, phone_in_frame: 10, still_camera: 10, video_replay: 10 });
    for (const j of plan.filter((x) => x.label === 'bona_fide' || x.label === 'video_replay')) expect(j.start! + WINDOW_FRAMES).toBeLessThanOrEqual(clips.find((c) => c.path === j.source)!.frames);
    // each photo species: both clips' middle frames first, then photos
    const species = ['print', 'screen', 'phone_in_frame', 'still_camera'];
    for (const s of species) expect(plan.filter((j) => j.label === s && j.kind === 'video')).toHaveLength(2);
    // photos: both folders in proportion to their size (32 × 20/220 ≈ 3), species dealt evenly within each
    const photoSources = plan.filter((j) => j.kind === 'image').map((j) => j.source);
    expect(photoSources).toHaveLength(32);
    expect(photoSources.filter((p) => p.includes('/deep/')).length).toBeGreaterThanOrEqual(2);
    expect(photoSources.filter((p) => p.includes('/deep/')).length).toBeLessThanOrEqual(4);
    for (const folder of ['/deep/', '/lfw/']) {
      const n = species.map((s) => plan.filter((j) => j.label === s && j.source.includes(folder)).length);
      expect(Math.max(...n) - Math.min(...n)).toBeLessThanOrEqual(1);
    }
    expect(new Set(photoSources).size).toBe(photoSources.length);
    expect(new Set(plan.map((j) => j.seed)).size).toBe(plan.length);
    expect(plan.find((j) => j.label === 'print' && j.kind === 'image')!.seed).toBe(jobSeed(7, 'print', plan.find((j) => j.label === 'print' && j.kind === 'image')!.source));
  });

  it('caps to the sources there are, and to nothing at 0', () => {
    const plan = planSynth({ clips: [], images: photos('deep', 6), max: 100, seed: 1 });
    // no clips: no bona fide windows or replays; 6 photos give one per photo species (floor(6 / 4))
    expect(countBy(plan)).toEqual({ bona_fide: 0, print: 1, screen: 1, phone_in_frame: 1, still_camera: 1, video_replay: 0 });
    expect(planSynth({ clips: [{ path: 'v.mp4', frames: 200 }], images: photos('deep', 8), max: 0, seed: 1 })).toEqual([]);
  });
});
