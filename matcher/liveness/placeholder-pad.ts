/**
 * PLACEHOLDER server-side presentation-attack scorer (the real multi-signal PAD is issue 9).
 * Every number comes from the submitted frames themselves — never from client-reported values:
 *  - faces: share of frames with exactly one face (blazeface + facemesh)
 *  - sharpness: Laplacian variance of the aligned face chip (prints/screens re-photographed blur)
 *  - geometry (≥ 2 frames): RMS residual of a homography fitted between the meshes of the first and
 *    last frame, relative to the eye distance; a flat photo moves by one homography, a face does not.
 */
import type { LivenessResult } from '../../protocol/index.ts';
import { clampLiveness } from '../../protocol/index.ts';
import { alignChip } from '../extraction/align.ts';
import type { Extractor, FaceAnalysis } from '../extraction/extractor.ts';
import { lumaStats } from '../extraction/quality.ts';
import { fitHomography, homographyResidual } from './homography.ts';

export const PAD_PARAMS = {
  /** Laplacian variance of the chip below which a frame counts as blurry */
  minSharpness: 25,
  /** homography residual / eye distance: below `planar` the motion looks flat, above `solid` 3-D */
  planar: 0.004,
  solid: 0.012,
};

const MESH_SUBSET = Array.from({ length: 468 }, (_, i) => i).filter((i) => i % 4 === 0);

export async function scoreLiveness(extractor: Extractor, frames: Uint8Array[], threshold: number): Promise<LivenessResult> {
  const analyses: FaceAnalysis[] = [];
  for (const f of frames) analyses.push(await extractor.analyse(f));
  const reasons: string[] = [];
  const withFace = analyses.filter((a) => a.faces.length === 1 && a.landmarks);
  const faceRatio = withFace.length / frames.length;
  if (withFace.length < frames.length) reasons.push(analyses.some((a) => a.faces.length > 1) ? 'MULTIPLE_FACES' : 'NO_FACE_IN_FRAME');
  let sharp = 0;
  for (const a of withFace) sharp += lumaStats(alignChip(a.image, a.landmarks!)).lapVar;
  sharp = withFace.length ? sharp / withFace.length : 0;
  const sharpFactor = Math.min(1, sharp / PAD_PARAMS.minSharpness);
  if (withFace.length && sharp < PAD_PARAMS.minSharpness) reasons.push('BLURRY');
  const signals: Record<string, number> = { frames: frames.length, faceRatio, sharpness: Math.round(sharp * 10) / 10 };
  let geoFactor = 0.75; // no motion evidence: cannot confirm 3-D, cap the score below "certain"
  if (withFace.length >= 2) {
    const a = withFace[0].landmarks!.points, b = withFace[withFace.length - 1].landmarks!.points;
    const src = MESH_SUBSET.map((i) => [a[3 * i], a[3 * i + 1]] as [number, number]);
    const dst = MESH_SUBSET.map((i) => [b[3 * i], b[3 * i + 1]] as [number, number]);
    const h = fitHomography(src, dst);
    const eye = Math.hypot(b[3 * 263] - b[3 * 33], b[3 * 263 + 1] - b[3 * 33 + 1]) || 1;
    const res = h ? homographyResidual(h, src, dst) / eye : 0;
    signals.geometryResidual = Math.round(res * 10000) / 10000;
    geoFactor = Math.max(0, Math.min(1, (res - PAD_PARAMS.planar) / (PAD_PARAMS.solid - PAD_PARAMS.planar)));
    if (res < PAD_PARAMS.planar) reasons.push('PLANAR_MOTION');
  } else {
    reasons.push('NO_GEOMETRY_EVIDENCE');
  }
  const liveness = clampLiveness(100 * faceRatio * sharpFactor * geoFactor);
  return { liveness, live: liveness >= threshold, reasons, signals };
}
