// offline: vary floors on the cached samples (train.ts samples.json), threshold picked on thr groups as train.ts does
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fuse, type PadWeights } from '../vision/pad/fusion.ts';
import trained from '../vision/pad/weights.json' with { type: 'json' };
type S = { id: string; split: string; species: string; features: Record<string, number>; frozen: boolean; photoOnly?: boolean };
const data = JSON.parse(readFileSync(path.join(os.tmpdir(), 'pad-landmarks', 'samples.json'), 'utf8')) as S[];
const seq = data.filter((s) => !s.photoOnly && !s.id.includes('sfas-'));
const ART = ['moire', 'detail', 'glare', 'chroma', 'banding', 'edges'];
const STILL = ['planar', 'nonrigid', 'blink', 'motion'];
function variant(artFloor: number, stillFloor: number): PadWeights {
  const w = structuredClone(trained) as PadWeights;
  for (const m of w.features) {
    if (ART.includes(m.name) && m.weight > 0) m.floor = -artFloor;
    if (STILL.includes(m.name) && m.weight > 0) m.floor = -stillFloor;
  }
  w.threshold = 0;
  return w;
}
function rates(set: S[], sc: number[], t: number) {
  const by = new Map<string, { n: number; err: number }>();
  set.forEach((s, i) => { const e = by.get(s.species) ?? { n: 0, err: 0 }; e.n++; const live = sc[i] >= t; if (s.species === 'bona_fide' ? !live : live) e.err++; by.set(s.species, e); });
  const bp = by.get('bona_fide')!;
  const ap = [...by].filter(([k]) => k !== 'bona_fide').map(([, v]) => v.err / v.n);
  return { by, cost: bp.err / bp.n + Math.max(0, ...ap) };
}
function pick(set: S[], sc: number[]) {
  const c = [...new Set(sc.filter(Number.isFinite))].sort((a, b) => a - b);
  const ts: { t: number; cost: number }[] = [];
  for (let i = 0; i + 1 < c.length; i++) { const t = (c[i] + c[i + 1]) / 2; ts.push({ t, cost: rates(set, sc, t).cost }); }
  const min = Math.min(...ts.map((x) => x.cost));
  const best = ts.filter((x) => x.cost <= min + 1e-9);
  return best[Math.floor((best.length - 1) / 2)].t;
}
const fmt = (by: Map<string, { n: number; err: number }>) => [...by].sort().map(([k, v]) => `${k.slice(0, 8)} ${v.err}/${v.n}`).join('  ');
for (const af of [1.5, 1.0, 0.6, 0.4]) for (const sf of [1.0, 0.6, 0.4, 0.25]) {
  const w = variant(af, sf);
  const score = (set: S[]) => set.map((s) => (s.frozen ? -Infinity : fuse(s.features, w).margin));
  const thr = seq.filter((s) => s.split === 'thr'), tr = seq.filter((s) => s.split === 'train');
  const t = pick(thr, score(thr));
  console.log(`art ${af} still ${sf} t=${t.toFixed(3)}\n  thr:   ${fmt(rates(thr, score(thr), t).by)}\n  train: ${fmt(rates(tr, score(tr), t).by)}`);
}
