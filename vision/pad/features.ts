/**
 * Frames → raw PAD signal values (plain numbers, no model). Shared by padFromFrames (device and
 * server) and pad/train.ts, so training measures exactly what production computes.
 */
import type { Box, DetectedObject, FaceLandmarks, ImageInput } from '../types.ts';
import { approachGeometry } from './approach-geometry.ts';
import { backdropParallax } from './backdrop.ts';
import { blinkStats, eyeAspectRatio } from './blink.ts';
import { chromaStats } from './chroma.ts';
import { faceRelativeEdges, straightEdges } from './edges.ts';
import type { Features } from './fusion.ts';
import { alignedChange, frozenStats, rigidSceneChange, thumbnail } from './frozen-frames.ts';
import { glareFraction, ovalMask } from './glare.ts';
import { planarResidual } from './homography.ts';
import { approachRelief } from './relief.ts';
import { cropArea, landmarkBox } from './image-ops.ts';
import { moireFromSpectrum } from './moire.ts';
import { powerSpectrum } from './fft.ts';
import { median, nonRigidMotion } from './nonrigid-motion.ts';
import { screenOverlap } from './objects.ts';
import { highFreqFromSpectrum } from './sharpness.ts';

/** One evidence frame: decoded pixels, its landmarks (null: no face), ms since capture start, role. */
export interface PadFrame {
  image: ImageInput;
  landmarks: FaceLandmarks | null;
  t: number;
  /** evidence role: 'far' | 'near' (approach step), 'best', 'seq' (passive window); 'turn' frames are left out by padSignals */
  role: string;
}

export interface FeatureOptions {
  /** minimum face growth far→near for the approach pair (default 1.15) */
  minScaleGain?: number;
  /** face-crop side for the spectra (power of two, default 128) */
  crop?: number;
  /** at most this many frames for the texture signals (default 3) */
  textureFrames?: number;
  /**
   * also measure `relief` (relief.ts) on the approach pair (default false: it is not fused, see the
   * model card; pad/train.ts measures it to report it)
   */
  relief?: boolean;
}

export interface ExtractedFeatures {
  features: Features;
  /** face growth of the approach pair used (NaN when none) */
  scaleGain: number;
  approach: boolean;
  faces: number;
  /** largest consecutive-pair aligned change (frozen-frames.ts; NaN with < 3 face frames) */
  alignedMax: number;
  /** largest same-scale aligned change over all frame pairs (frozen-frames.ts; NaN with < 3 face frames) */
  alignedSpread: number;
  /** aligned change of the approach pair (frozen-frames.ts alignedChange; NaN without an approach) */
  alignedApproach: number;
  /** backdrop parallax of the approach pair (backdrop.ts; NaN without an approach or a ring to read) */
  backdrop: number;
  /** the face box the screen objects are compared with (the first texture frame's landmarks) */
  screenBox?: Box;
  /** highest screen-object score over the face, when objects were given */
  screenObject?: number;
}

/** Face width in px between the mesh's cheek points 234–454 (what the element's distance check reads). */
export const faceWidth = (p: ArrayLike<number>) => Math.hypot(p[234 * 3] - p[454 * 3], p[234 * 3 + 1] - p[454 * 3 + 1]);

/** Computes every signal the frames allow. */
export function extractFeatures(frames: readonly PadFrame[], objects?: readonly DetectedObject[], o: FeatureOptions = {}): ExtractedFeatures {
  const minGain = o.minScaleGain ?? 1.15;
  const n = o.crop ?? 128;
  const sorted = [...frames].sort((a, b) => a.t - b.t);
  const withFace = sorted.filter((f) => f.landmarks);
  const f: Features = {};
  const out: ExtractedFeatures = { features: f, scaleGain: Number.NaN, approach: false, faces: withFace.length, alignedMax: Number.NaN, alignedSpread: Number.NaN, alignedApproach: Number.NaN, backdrop: Number.NaN };

  // 1. geometry: the approach pair (declared far/near, else the smallest and largest face)
  let far = withFace.find((x) => x.role === 'far');
  let near = withFace.find((x) => x.role === 'near');
  if (!far || !near) {
    const bySize = [...withFace].sort((a, b) => faceWidth(a.landmarks!.points) - faceWidth(b.landmarks!.points));
    far = bySize[0];
    near = bySize[bySize.length - 1];
  }
  if (far && near && far !== near) {
    const g = approachGeometry(far.landmarks!.points, near.landmarks!.points);
    out.scaleGain = g.scaleGain;
    if (g.scaleGain >= minGain) {
      out.approach = true;
      f.perspective = g.perspective;
    }
  }
  // planar residual: the 75th percentile over consecutive pairs (views with head motion show
  // parallax, one bad mesh fit does not decide), or the approach pair's when larger: a person who
  // holds still shows no parallax between passive frames, but coming closer always does
  const pl: number[] = [];
  for (let i = 1; i < withFace.length; i++) pl.push(planarResidual(withFace[i - 1].landmarks!.points, withFace[i].landmarks!.points));
  const plOk = pl.filter(Number.isFinite).sort((a, b) => a - b);
  const plApproach = out.approach ? planarResidual(far!.landmarks!.points, near!.landmarks!.points) : Number.NaN;
  const plSeq = plOk.length ? plOk[Math.floor(0.75 * (plOk.length - 1))] : Number.NaN;
  const plBest = Math.max(Number.isFinite(plSeq) ? plSeq : -1, Number.isFinite(plApproach) ? plApproach : -1);
  if (plBest >= 0) f.planar = Math.log10(Math.max(1e-4, plBest));

  // 2. temporal, over the passive window (seq/best), or every frame when too few are tagged
  let passive = sorted.filter((x) => x.role === 'seq' || x.role === 'best');
  if (passive.length < 3) passive = sorted;
  const pf = passive.filter((x) => x.landmarks);
  if (pf.length >= 3) {
    const nr = nonRigidMotion(pf.map((x) => x.landmarks!.points));
    if (Number.isFinite(nr)) f.nonrigid = Math.log10(Math.max(1e-4, nr));
    const b = blinkStats(
      pf.map((x) => eyeAspectRatio(x.landmarks!.points)),
      pf.map((x) => x.t),
    );
    if (Number.isFinite(b.earRange)) f.blink = b.earRange;
  }
  if (passive.length >= 3) {
    const fz = frozenStats(passive.map((x) => thumbnail(x.image)));
    if (Number.isFinite(fz.motion)) f.motion = Math.log10(0.05 + fz.motion);
  }
  // one picture up to a similarity (a still fed as the camera, digitally zoomed for the approach):
  // pixel change left after scale-normalising and aligning consecutive frames, over every frame
  if (withFace.length >= 3) {
    const al = rigidSceneChange(withFace.map((x) => ({ image: x.image, points: x.landmarks!.points })));
    if (Number.isFinite(al.p75)) f.aligned = Math.log10(0.01 + al.p75);
    out.alignedMax = al.max;
    out.alignedSpread = al.spread;
  }
  // the approach pair, aligned by a similarity: a still zoomed for the approach leaves resampling
  // noise; a person coming closer does not scale like the wall behind them, nor their nose like
  // their cheeks
  if (out.approach) out.alignedApproach = alignedChange(far!.image, far!.landmarks!.points, near!.image, near!.landmarks!.points);
  // the room behind a person stays as they come closer; one picture's own background grows with its face
  if (out.approach) {
    const bd = backdropParallax(far!.image, far!.landmarks!.points, near!.image, near!.landmarks!.points);
    out.backdrop = bd.parallax;
    if (Number.isFinite(bd.parallax)) f.backdrop = bd.parallax;
    // the face's own relief: its nose and brows grow more than its cheeks (relief.ts); a plane does not
    if (o.relief) {
      const rl = approachRelief(far!.image, far!.landmarks!.points, near!.image, near!.landmarks!.points);
      if (Number.isFinite(rl.relief)) f.relief = Math.max(-1, Math.min(1.5, rl.relief));
    }
  }

  // 3. optics and texture of the face crop, on the frames with the largest faces
  const k = o.textureFrames ?? 3;
  // 'best' first, then passive frames by face size; approach frames last (motion blur, zoom)
  const rank = (x: PadFrame) => (x.role === 'best' ? 0 : x.role === 'far' || x.role === 'near' ? 2 : 1);
  const tex = [...withFace].sort((a, b) => rank(a) - rank(b) || faceWidth(b.landmarks!.points) - faceWidth(a.landmarks!.points)).slice(0, k);
  if (tex.length) {
    const moire: number[] = [];
    const detail: number[] = [];
    const glare: number[] = [];
    const chroma: number[] = [];
    const banding: number[] = [];
    for (const x of tex) {
      const box = landmarkBox(x.landmarks!.points, 1.0);
      const gray = cropArea(x.image, box, n, true);
      const spec = powerSpectrum(gray, n);
      moire.push(moireFromSpectrum(spec, n));
      detail.push(highFreqFromSpectrum(spec, n));
      glare.push(Math.log10(1e-3 + glareFraction(cropArea(x.image, box, 64, false), 64, 235, ovalMask(x.landmarks!.points, box, 64))));
      const c = chromaStats(x.image, box);
      chroma.push(c.chroma);
      banding.push(c.banding);
    }
    f.moire = median(moire);
    f.detail = median(detail);
    f.glare = median(glare);
    f.chroma = median(chroma);
    f.banding = median(banding);
    // 4. context: straight edges framing the face. With an approach pair only the edges that keep
    // their offset from the face as it grows (a bezel or paper border; a wall's edges stay behind)
    const edgesOf = (x: PadFrame) => straightEdges(x.image, landmarkBox(x.landmarks!.points, 1.0));
    f.edges =
      out.approach && far && near
        ? faceRelativeEdges(far.image, far.landmarks!.points, near.image, near.landmarks!.points, landmarkBox(far.landmarks!.points, 1.0)).frame
        : median(tex.map((x) => edgesOf(x).frame));
    out.screenBox = landmarkBox(tex[0].landmarks!.points, 1.0);
    if (objects) out.screenObject = screenOverlap(objects, out.screenBox);
  }
  return out;
}
