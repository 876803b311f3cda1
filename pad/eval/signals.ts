/**
 * `npm run eval -- --signals`: the per-signal diagnosis over bona fide windows (pure). For every
 * source group (groupOf: the folder and the clip name's source prefix) it gives each PAD signal's
 * distribution, and for every rejected bona fide window the signal that pulled it down most (its
 * most negative weighted log-odds) and the veto, if one fired. Diagnose before fixing.
 */
import { median } from './metrics.ts';

/** One scored bona fide window: where it came from, its server decision and its signals. */
export interface SignalSample {
  /** the clip (or photo) path inside the data set */
  source: string;
  liveness: number;
  reasons: readonly string[];
  /** the matcher's flattened signals: feature values, `<feature>LogOdds` contributions, geometry */
  signals: Readonly<Record<string, number>>;
}

export interface SignalStats {
  n: number;
  p10: number | null;
  median: number | null;
  p90: number | null;
}

export interface SignalReport {
  /** group → signal → distribution */
  groups: Record<string, { windows: number; rejected: number; signals: Record<string, SignalStats> }>;
  /** every rejected window: its strongest negative contribution and the veto reasons */
  rejected: { source: string; liveness: number; strongest: string | null; logOdds: number | null; vetoes: string[] }[];
}

/** Reasons that cap or zero the score whatever the weighted signals say. */
const VETOES = new Set(['PAD_FROZEN_FRAMES', 'PAD_APPROACH_MISSING', 'PAD_NO_FACE', 'IDENTITY_MISMATCH']);
/** Timings and counters the matcher adds to `signals`: not PAD signals. */
const NOT_SIGNALS = /(Ms|Frames|frames)$/;

/**
 * The source group of a path: its folder, plus the file name's prefix before the first `_` when it
 * has one (the data sets name clips `<source>_<clip>`: `video/live2/lp_d5_man.mp4` → `video/live2/lp`;
 * `video/live/d0.mp4` → `video/live`).
 */
export function groupOf(source: string): string {
  const i = source.lastIndexOf('/');
  const folder = i > 0 ? source.slice(0, i) : '.';
  const name = source.slice(i + 1);
  const u = name.indexOf('_');
  return u > 0 ? `${folder}/${name.slice(0, u)}` : folder;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function signalReport(samples: readonly SignalSample[], threshold: number): SignalReport {
  const groups: SignalReport['groups'] = {};
  const byGroup = new Map<string, SignalSample[]>();
  for (const s of samples) {
    const g = groupOf(s.source);
    byGroup.set(g, [...(byGroup.get(g) ?? []), s]);
  }
  for (const [g, xs] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
    const names = [...new Set(xs.flatMap((x) => Object.keys(x.signals)))].filter((k) => !k.endsWith('LogOdds') && !NOT_SIGNALS.test(k)).sort();
    const signals: Record<string, SignalStats> = {};
    for (const k of names) {
      const v = xs.map((x) => x.signals[k]).filter((y): y is number => Number.isFinite(y)).sort((a, b) => a - b);
      signals[k] = { n: v.length, p10: quantile(v, 0.1), median: median(v), p90: quantile(v, 0.9) };
    }
    groups[g] = { windows: xs.length, rejected: xs.filter((x) => x.liveness < threshold).length, signals };
  }
  const rejected = samples
    .filter((s) => s.liveness < threshold)
    .map((s) => {
      let strongest: string | null = null;
      let logOdds: number | null = null;
      for (const [k, v] of Object.entries(s.signals)) {
        if (!k.endsWith('LogOdds') || !Number.isFinite(v)) continue;
        if (logOdds === null || v < logOdds) {
          logOdds = v;
          strongest = k.slice(0, -'LogOdds'.length);
        }
      }
      return { source: s.source, liveness: s.liveness, strongest: logOdds !== null && logOdds < 0 ? strongest : null, logOdds, vetoes: s.reasons.filter((r) => VETOES.has(r)) };
    });
  return { groups, rejected };
}

const fmt = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

/** The report as text tables: one per source group, then the rejected windows. */
export function signalTables(r: SignalReport): string {
  const out: string[] = [];
  for (const [g, v] of Object.entries(r.groups)) {
    out.push(`source group ${g}: ${v.windows} bona fide windows, ${v.rejected} rejected`);
    out.push('| signal | n | p10 | median | p90 |');
    out.push('|---|---|---|---|---|');
    for (const [k, s] of Object.entries(v.signals)) out.push(`| ${k} | ${s.n} | ${fmt(s.p10)} | ${fmt(s.median)} | ${fmt(s.p90)} |`);
    out.push('');
  }
  if (r.rejected.length) {
    out.push('rejected bona fide windows: strongest negative signal (weighted log-odds) and vetoes');
    for (const x of r.rejected) out.push(`  ${x.source}: liveness ${x.liveness}, ${x.strongest ?? 'no negative signal'}${x.logOdds !== null && x.strongest ? ` (${x.logOdds.toFixed(2)})` : ''}${x.vetoes.length ? `; veto ${x.vetoes.join(', ')}` : ''}`);
  } else out.push('rejected bona fide windows: none');
  return out.join('\n');
}
