/**
 * The server chooses the frame it matches, never the client: among the passive-window frames
 * (`best`/`seq`: no approach zoom or motion blur) with a face within the matcher's pose limits, the
 * one with the largest face box; then any passive face; if none, the largest face among all
 * frames. -1 when no frame has a face.
 */
import type { Box } from '../../vision/types.ts';

export interface BestFrameCandidate {
  role: string;
  box: Box | null;
  /** the embedding exists (the face could be aligned and embedded) */
  embedded: boolean;
  /** the head is turned past the matcher's pose limits (quality issue POSE) */
  turned?: boolean;
}

export function chooseBestFrame(frames: readonly BestFrameCandidate[]): number {
  const area = (b: Box) => b.w * b.h;
  let pick = -1;
  const better = (i: number) => pick < 0 || area(frames[i].box!) > area(frames[pick].box!);
  for (const [passive, frontal] of [[true, true], [true, false], [false, false]]) {
    frames.forEach((f, i) => {
      if (!f.box || !f.embedded) return;
      if (passive && f.role !== 'best' && f.role !== 'seq') return;
      if (frontal && f.turned) return;
      if (better(i)) pick = i;
    });
    if (pick >= 0) return pick;
  }
  return pick;
}
