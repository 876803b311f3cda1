/**
 * Evidence selection: keeps the frames grabbed during the capture and picks the upload set —
 * `far` (start of the approach), `near` (end of it), `best` (highest quality in the passive
 * window), then `seq` frames spread evenly over the passive window and the approach — in that
 * order, which is also the order of the capture token's `evidence` list. When the session asked
 * for a head turn, its `turn` frame follows `near` and does not count against `count`.
 */
import { MAX_EVIDENCE_FRAMES, MAX_FRAME_BYTES, type EvidenceRole } from '../../protocol/index.ts';

export interface GrabbedFrame {
  bytes: Uint8Array;
  w: number;
  h: number;
  /** ms since capture start */
  t: number;
  quality: number;
  faceWidthPx: number;
  phase: 'passive' | 'approach';
  role: 'far' | 'near' | 'turn' | 'candidate';
}

export interface SelectedFrame extends GrabbedFrame {
  evidenceRole: EvidenceRole;
}

export interface CollectorOptions {
  /** total frames uploaded, far/near/best included (default 8, at most MAX_EVIDENCE_FRAMES) */
  count: number;
  /** candidates kept in memory (oldest non-best dropped first) */
  maxCandidates: number;
  /** frames whose face is narrower than this are not used as `best`/`seq` (px) */
  minFacePx: number;
}

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = { count: 8, maxCandidates: 32, minFacePx: 160 };

export class EvidenceCollector {
  private frames: GrabbedFrame[] = [];
  private readonly o: CollectorOptions;

  constructor(o: Partial<CollectorOptions> = {}) {
    this.o = { ...DEFAULT_COLLECTOR_OPTIONS, ...o };
    this.o.count = Math.max(3, Math.min(MAX_EVIDENCE_FRAMES, Math.floor(this.o.count)));
  }

  get size(): number {
    return this.frames.length;
  }

  clear(): void {
    this.frames = [];
  }

  add(f: GrabbedFrame): void {
    if (f.bytes.byteLength === 0 || f.bytes.byteLength > MAX_FRAME_BYTES) return;
    if (f.role !== 'candidate') this.frames = this.frames.filter((x) => x.role !== f.role);
    this.frames.push(f);
    const cands = this.frames.filter((x) => x.role === 'candidate');
    if (cands.length > this.o.maxCandidates) {
      // thin evenly rather than dropping the oldest: the sequence must still span the capture
      const drop = cands.filter((_, i) => i % 2 === 1)[0];
      this.frames = this.frames.filter((x) => x !== drop);
    }
  }

  /** The upload set in upload order; throws when far or near is missing. */
  select(): SelectedFrame[] {
    const far = this.frames.find((f) => f.role === 'far');
    const near = this.frames.find((f) => f.role === 'near');
    if (!far || !near) throw new Error('evidence incomplete: far and near frames are required');
    const turn = this.frames.find((f) => f.role === 'turn');
    const out: SelectedFrame[] = [
      { ...far, evidenceRole: 'far' },
      { ...near, evidenceRole: 'near' },
      ...(turn ? [{ ...turn, evidenceRole: 'turn' as const }] : []),
    ];
    // Two grabs of one camera frame (within one frame interval, or while the video stalls) give
    // the same JPEG; the verifier refuses an upload holding a frame twice (EVIDENCE_REPLAYED), so
    // a candidate repeating far, near or an earlier candidate is left out.
    const usable: GrabbedFrame[] = [];
    for (const f of this.frames.filter((x) => x.role === 'candidate' && x.faceWidthPx >= this.o.minFacePx).sort((a, b) => a.t - b.t)) {
      if (![far, near, ...(turn ? [turn] : []), ...usable].some((x) => sameBytes(x.bytes, f.bytes))) usable.push(f);
    }
    const passive = usable.filter((f) => f.phase === 'passive');
    const bestPool = passive.length ? passive : usable;
    let best: GrabbedFrame | undefined;
    for (const f of bestPool) if (!best || f.quality > best.quality) best = f;
    // without candidates there is no `best`: the far frame is not sent twice (the verifier refuses
    // an upload holding the same frame twice, as a frozen feed would), and the server picks the
    // frame it matches itself
    if (best) out.push({ ...best, evidenceRole: 'best' });
    const rest = usable.filter((f) => f !== best);
    const total = Math.min(MAX_EVIDENCE_FRAMES, this.o.count + (turn ? 1 : 0));
    for (const f of spread(rest, total - out.length)) out.push({ ...f, evidenceRole: 'seq' });
    return out;
  }
}

/** Byte-for-byte equality of two encoded frames. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = a.byteLength - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Picks `n` items evenly spread over a time-sorted list (first and last included). */
export function spread<T>(xs: T[], n: number): T[] {
  if (n <= 0) return [];
  if (xs.length <= n) return xs.slice();
  if (n === 1) return [xs[Math.floor(xs.length / 2)]];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
  return out;
}
