/** Builds the PAD tables and the JSON section from per-item outcomes (pure). */
import { apcer, bpcer, bpcerAtApcer, fmtRate, median, type Rate } from './metrics.ts';
import { groupOf } from './signals.ts';

export interface ItemResult {
  path: string;
  kind: 'image' | 'video';
  label: string;
  /** null when the device decision is not meaningful for this item */
  device: boolean | null;
  /** server liveness 0–100; null when no server score came back (counts as rejected) */
  liveness: number | null;
  deviceCodes: string[];
  reasons: string[];
  forced?: boolean;
  /** images: scaled up to the single-image API's minimum before sending */
  upscaled?: boolean;
  error?: string;
  ms: number;
  /** the server's flattened PAD signals (synthesized bona fide windows, for `--signals`) */
  signals?: Record<string, number>;
  /** videos with `--turn`: the head-turn side the session asked, and the forced session's */
  turn?: 'left' | 'right';
  forcedTurn?: 'left' | 'right';
}

export const APCER_TARGETS = [0.01, 0.05, 0.1] as const;

const serverAccept = (r: ItemResult, thr: number) => r.liveness !== null && r.liveness >= thr;
const decide = {
  device: (r: ItemResult) => r.device,
  server: (r: ItemResult, thr: number) => serverAccept(r, thr),
  combined: (r: ItemResult, thr: number) => (r.device === null ? null : r.device && serverAccept(r, thr)),
};
type Decision = keyof typeof decide;
const DECISIONS: Decision[] = ['device', 'server', 'combined'];

/** APCER (attacks) or BPCER (bona fide) of one decision; items without that decision are left out. */
function rateOf(items: ItemResult[], thr: number, d: Decision, attack: boolean): Rate {
  const ds = items.map((r) => decide[d](r, thr)).filter((x): x is boolean => x !== null);
  return attack ? apcer(ds) : bpcer(ds);
}

export interface KindSection {
  bona_fide: { n: number; bpcer: Record<Decision, Rate> };
  species: Record<string, { n: number; apcer: Record<Decision, Rate>; bpcer_at_apcer: Record<string, ReturnType<typeof bpcerAtApcer>> }>;
  /** all attack species pooled */
  all_attacks: { n: number; apcer: Record<Decision, Rate>; bpcer_at_apcer: Record<string, ReturnType<typeof bpcerAtApcer>> };
}

const score = (r: ItemResult) => r.liveness ?? -1;

export function section(items: ItemResult[], thr: number): KindSection {
  const bona = items.filter((r) => r.label === 'bona_fide');
  const labels = [...new Set(items.filter((r) => r.label !== 'bona_fide').map((r) => r.label))].sort();
  const per = (atk: ItemResult[]) => ({
    n: atk.length,
    apcer: Object.fromEntries(DECISIONS.map((d) => [d, rateOf(atk, thr, d, true)])) as Record<Decision, Rate>,
    bpcer_at_apcer: Object.fromEntries(APCER_TARGETS.map((t) => [String(t), bpcerAtApcer(bona.map(score), atk.map(score), t)])),
  });
  return {
    bona_fide: { n: bona.length, bpcer: Object.fromEntries(DECISIONS.map((d) => [d, rateOf(bona, thr, d, false)])) as Record<Decision, Rate> },
    species: Object.fromEntries(labels.map((l) => [l, per(items.filter((r) => r.label === l))])),
    all_attacks: per(items.filter((r) => r.label !== 'bona_fide')),
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

/** Markdown tables: one row per (kind, species) with the attack count, bona fide count, APCER and BPCER per decision, BPCER@APCER from the server score. */
export function tables(items: ItemResult[], thr: number): string {
  const kinds: [string, ItemResult[]][] = [
    ['image', items.filter((r) => r.kind === 'image')],
    ['video', items.filter((r) => r.kind === 'video')],
    ['all', items],
  ];
  const lines: string[] = [];
  lines.push(`| kind | attack species | attacks | bona fide | APCER device | APCER server | APCER combined | BPCER device | BPCER server | BPCER combined | BPCER @ APCER 1% | @ 5% | @ 10% |`);
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [kind, its] of kinds) {
    if (!its.length) continue;
    const s = section(its, thr);
    const b = s.bona_fide.bpcer;
    const rows: [string, KindSection['all_attacks']][] = [...Object.entries(s.species), ...(Object.keys(s.species).length > 1 ? [['all attacks', s.all_attacks] as [string, KindSection['all_attacks']]] : [])];
    if (!rows.length) rows.push(['(none)', s.all_attacks]);
    for (const [label, sp] of rows) {
      lines.push(
        `| ${kind} | ${label} | ${sp.n} | ${s.bona_fide.n} | ${fmtRate(sp.apcer.device)} | ${fmtRate(sp.apcer.server)} | ${fmtRate(sp.apcer.combined)} | ${fmtRate(b.device)} | ${fmtRate(b.server)} | ${fmtRate(b.combined)} | ` +
          APCER_TARGETS.map((t) => pct(sp.bpcer_at_apcer[String(t)].bpcer)).join(' | ') +
          ' |',
      );
    }
  }
  return lines.join('\n');
}

/** One line per item: path, label, decisions and reasons (attacks and errors first). */
export function itemLines(items: ItemResult[], thr: number): string {
  const lines = ['| item | kind | label | device | server liveness | combined | device codes / server reasons |', '|---|---|---|---|---|---|---|'];
  for (const r of items) {
    const dev = r.device === null ? 'n/a' : r.device ? 'accept' : 'reject';
    const comb = decide.combined(r, thr);
    const why = [r.deviceCodes.slice(0, 3).join(','), r.reasons.slice(0, 3).join(','), r.forced ? 'forced' : '', r.error ?? ''].filter(Boolean).join(' / ');
    lines.push(`| ${r.path} | ${r.kind} | ${r.label} | ${dev} | ${r.liveness ?? 'none'} | ${comb === null ? 'n/a' : comb ? 'accept' : 'reject'} | ${why || '-'} |`);
  }
  return lines.join('\n');
}

/** The `k` reason codes (or errors) most items carry, as "CODE count/n"; each item counts a code once. */
export function topReasons(items: readonly ItemResult[], k = 3): string {
  const counts = new Map<string, number>();
  for (const r of items) for (const c of new Set([...r.reasons, ...(r.error ? [`error: ${r.error}`] : [])])) counts.set(c, (counts.get(c) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, k);
  return top.map(([c, n]) => `${c} ${n}/${items.length}`).join(', ') || '-';
}

/**
 * Markdown table of one server-decided set (the synthesized attacks): a bona fide row, one row per
 * attack species and a pooled row ("all synthesized"), each with its median liveness and most
 * common reasons. APCER/BPCER at `thr`, BPCER @ APCER sweeps the liveness score.
 */
export function serverTable(items: ItemResult[], thr: number): string {
  const s = section(items, thr);
  const bona = items.filter((r) => r.label === 'bona_fide');
  const med = (xs: ItemResult[]) => median(xs.filter((r) => r.liveness !== null).map((r) => r.liveness!)) ?? 'n/a';
  const lines = [
    '| class | attacks | bona fide | APCER | BPCER | BPCER @ APCER 1% | @ 5% | @ 10% | median liveness | most common reasons |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| bona fide | - | ${s.bona_fide.n} | - | ${fmtRate(s.bona_fide.bpcer.server)} | - | - | - | ${med(bona)} | ${topReasons(bona)} |`,
  ];
  const rows: [string, KindSection['all_attacks'], ItemResult[]][] = [
    ...Object.entries(s.species).map(([l, sp]): [string, KindSection['all_attacks'], ItemResult[]] => [l, sp, items.filter((r) => r.label === l)]),
    ['all synthesized', s.all_attacks, items.filter((r) => r.label !== 'bona_fide')],
  ];
  for (const [label, sp, its] of rows)
    lines.push(
      `| ${label} | ${sp.n} | ${s.bona_fide.n} | ${fmtRate(sp.apcer.server)} | ${fmtRate(s.bona_fide.bpcer.server)} | ` +
        APCER_TARGETS.map((t) => pct(sp.bpcer_at_apcer[String(t)].bpcer)).join(' | ') +
        ` | ${med(its)} | ${topReasons(its)} |`,
    );
  return lines.join('\n');
}

/** BPCER per bona fide source group (signals.ts groupOf: folder + clip-name prefix), per decision. */
export function bySource(items: ItemResult[], thr: number): Record<string, { n: number; bpcer: Record<Decision, Rate> }> {
  const bona = items.filter((r) => r.label === 'bona_fide');
  const groups = [...new Set(bona.map((r) => groupOf(r.path)))].sort();
  return Object.fromEntries(
    groups.map((g) => {
      const of = bona.filter((r) => groupOf(r.path) === g);
      return [g, { n: of.length, bpcer: Object.fromEntries(DECISIONS.map((d) => [d, rateOf(of, thr, d, false)])) as Record<Decision, Rate> }];
    }),
  );
}

/** Markdown table: one row per bona fide source group with its BPCER per decision. */
export function sourceTable(items: ItemResult[], thr: number): string {
  const lines = ['| bona fide source | items | BPCER device | BPCER server | BPCER combined |', '|---|---|---|---|---|'];
  for (const [g, v] of Object.entries(bySource(items, thr))) lines.push(`| ${g} | ${v.n} | ${fmtRate(v.bpcer.device)} | ${fmtRate(v.bpcer.server)} | ${fmtRate(v.bpcer.combined)} |`);
  return lines.join('\n');
}
