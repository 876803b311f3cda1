/**
 * The per-frame analysis shared by the vision worker and Node tests: detectors → geometry and
 * frame statistics → the six checks. Stateful only for what spans frames (blink, motion).
 */
import type { Box, DetectedObject, FaceDetection, FaceDetector, FaceLandmarks, FaceLandmarker, ImageInput, ModelSource } from '../../vision/types.ts';
import { createBlazeFace } from '../../vision/blazeface.ts';
import { createFaceMesh } from '../../vision/facemesh.ts';
import { createIris, type IrisDetector } from '../../vision/iris.ts';
import { createAntiSpoof, type AntiSpoof } from '../../vision/antispoof.ts';
import { releaseImageTensor } from '../../vision/image.ts';
import type { VisionConfig } from '../config.ts';
import { faceGeometry } from '../checks/geometry.ts';
import { frameStats, patchStats } from '../checks/frame-stats.ts';
import { faceCheck } from '../checks/face.ts';
import { BlinkTracker, EYE_PATCHES, eyesCheck } from '../checks/eyes.ts';
import { phoneCheck } from '../checks/phone.ts';
import { lightingCheck } from '../checks/lighting.ts';
import { distanceCheck } from '../checks/distance.ts';
import { livenessCheck, MotionTracker } from '../checks/liveness.ts';
import type { FrameChecks, FrameResult, Timings } from './types.ts';

export interface Detectors {
  /** the first detector: BlazeFace's short-range 128² model (a quarter of the 256 model's pixels) */
  face: FaceDetector;
  /**
   * BlazeFace 256 (the matcher's own detector), run when `face` finds no face: a face too small
   * for the short-range model (under about a tenth of the frame's width) still gets "come closer"
   * instead of "no face". Optional: the vision worker loads it after guidance has started.
   */
  faceFar?: FaceDetector;
  mesh: FaceLandmarker;
  iris?: IrisDetector;
  antispoof?: AntiSpoof;
}

/**
 * Loads the two blazeface models + facemesh (+ iris unless disabled; the 256 detector unless
 * `far: false`). The antispoof model has weight 0 in the liveness signal (see checks/liveness.ts),
 * so the device does not load it unless asked (its 0.86 MB and its per-frame time bought
 * nothing); evaluations can still turn it on. initTf must have run.
 */
export async function loadDetectors(model: ModelSource, o: { iris?: boolean; antispoof?: boolean; far?: boolean } = {}): Promise<Detectors> {
  const [face, faceFar, mesh, iris, antispoof] = await Promise.all([
    createBlazeFace({ model, minScore: 0.5, size: 128 }),
    o.far === false ? undefined : createBlazeFace({ model, minScore: 0.5 }),
    createFaceMesh({ model }),
    o.iris === false ? undefined : createIris({ model }),
    o.antispoof === true ? createAntiSpoof({ model }) : undefined,
  ]);
  return { face, faceFar, mesh, iris, antispoof };
}

/** The short-range detector's faces, or the 256 detector's when it found none (and is loaded). */
async function detectFaces(det: Detectors, img: ImageInput, minScore: number): Promise<FaceDetection[]> {
  const near = (await det.face.detect(img)).filter((f) => f.score >= minScore);
  if (near.length || !det.faceFar) return near;
  return (await det.faceFar.detect(img)).filter((f) => f.score >= minScore);
}

export interface AnalyzeOptions {
  /** run the heavy models on this frame (default: every cfg.scheduler.heavyEvery-th frame) */
  heavy?: boolean;
  /** phone detector output to judge (absent → no phone check on this frame: not run yet) */
  objects?: DetectedObject[];
}

const now = (): number => performance.now();

/** Bounding box of the mesh points. */
function meshBox(m: FaceLandmarks): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const p = m.points;
  for (let i = 0; i < p.length; i += 3) {
    x0 = Math.min(x0, p[i]);
    x1 = Math.max(x1, p[i]);
    y0 = Math.min(y0, p[i + 1]);
    y1 = Math.max(y1, p[i + 1]);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** `box` expressed relative to `ref` (so it can be re-applied to a moved/scaled ref). */
function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (w * h) / (a.w * a.h + b.w * b.h - w * h || 1);
}

function relBox(box: Box, ref: Box): Box {
  return { x: (box.x - ref.x) / ref.w, y: (box.y - ref.y) / ref.h, w: box.w / ref.w, h: box.h / ref.h };
}

/** The detection predicted for this frame from the previous frame's mesh. */
function trackedFace(t: { rel: Box; mesh: Box; face: FaceDetection }): FaceDetection {
  const { rel, mesh } = t;
  const box = { x: mesh.x + rel.x * mesh.w, y: mesh.y + rel.y * mesh.h, w: rel.w * mesh.w, h: rel.h * mesh.h };
  const dx = box.x + box.w / 2 - (t.face.box.x + t.face.box.w / 2);
  const dy = box.y + box.h / 2 - (t.face.box.y + t.face.box.h / 2);
  return { box, score: t.face.score, keypoints: t.face.keypoints.map(([x, y]) => [x + dx, y + dy]) };
}

/** Drops detections centred inside a larger face's box (blazeface's extra hits on a face filling the frame). */
export function dropNested(faces: FaceDetection[]): FaceDetection[] {
  const bySize = [...faces].sort((a, b) => b.box.w - a.box.w);
  const kept: FaceDetection[] = [];
  for (const f of bySize) {
    const cx = f.box.x + f.box.w / 2;
    const cy = f.box.y + f.box.h / 2;
    if (!kept.some((k) => cx > k.box.x && cx < k.box.x + k.box.w && cy > k.box.y && cy < k.box.y + k.box.h)) kept.push(f);
  }
  return kept;
}

export class FrameAnalyzer {
  private seq = 0;
  readonly blink: BlinkTracker;
  readonly motion: MotionTracker;
  private antispoof: number | null = null;
  private irisPx: number | undefined;
  /** detect-then-track: the last detection's box relative to its mesh's bounding box */
  private track: { rel: Box; mesh: Box; face: FaceDetection } | null = null;

  constructor(
    private readonly det: Detectors,
    private readonly cfg: VisionConfig,
  ) {
    this.blink = new BlinkTracker(cfg.eyes);
    this.motion = new MotionTracker(cfg.liveness.window);
  }

  /**
   * Landmarks of the largest face in a still, as the matcher finds them (detect, then mesh); the
   * tracking, blink and motion state of the live analysis is not touched. Input of the on-device PAD.
   */
  async landmarksOf(img: ImageInput): Promise<FaceLandmarks | null> {
    try {
      // the matcher's own detector where it is loaded: the same landmarks as the server's
      const faces = dropNested((await (this.det.faceFar ?? this.det.face).detect(img)).filter((f) => f.score >= this.cfg.face.minScore));
      const main = faces.reduce<FaceDetection | undefined>((a, b) => (!a || b.box.w > a.box.w ? b : a), undefined);
      return main ? await this.det.mesh.landmarks(img, main) : null;
    } finally {
      releaseImageTensor();
    }
  }

  /** Analyses one frame taken at `t` ms. */
  async analyze(img: ImageInput, t: number, o: AnalyzeOptions = {}): Promise<FrameResult> {
    const cfg = this.cfg;
    const seq = this.seq++;
    const { heavyEvery, detectEvery } = cfg.scheduler;
    const heavy = o.heavy ?? seq % heavyEvery === (heavyEvery > 1 && detectEvery > 1 ? 1 : 0);
    const timings: Timings = {};
    const t0 = now();
    try {
      let t1 = now();
      let faces: FaceDetection[] = [];
      let main: FaceDetection | undefined;
      let mesh: FaceLandmarks | null = null;
      const prev = this.track;
      if (prev && seq % detectEvery !== 0) {
        // tracked frame: the mesh must land where the previous one was, else detect after all
        main = trackedFace(prev);
        t1 = now();
        mesh = await this.det.mesh.landmarks(img, main);
        timings.facemesh = now() - t1;
        const mb = mesh ? meshBox(mesh) : null;
        if (mesh && mb && iou(mb, prev.mesh) >= 0.5) {
          // report the box where the face is now (from this frame's mesh), not the prediction
          main = trackedFace({ rel: prev.rel, mesh: mb, face: main });
          faces = [main];
        } else {
          this.track = null;
          main = undefined;
          mesh = null;
        }
      }
      if (!main) {
        t1 = now();
        faces = dropNested(await detectFaces(this.det, img, cfg.face.minScore));
        timings.blazeface = now() - t1;
        main = faces.reduce<FaceDetection | undefined>((a, b) => (!a || b.box.w > a.box.w ? b : a), undefined);
        if (main) {
          t1 = now();
          mesh = await this.det.mesh.landmarks(img, main);
          timings.facemesh = (timings.facemesh ?? 0) + now() - t1;
        }
      }
      // keep tracking only a single face with a confident mesh; otherwise detect on the next frame
      if (main && mesh && faces.length === 1) {
        const mb = meshBox(mesh);
        const rel = this.track && timings.blazeface === undefined ? this.track.rel : relBox(main.box, mb);
        this.track = { rel, mesh: mb, face: main };
      } else {
        this.track = null;
      }
      if (heavy && main && mesh && this.det.iris) {
        t1 = now();
        const ir = await this.det.iris.detect(img, mesh);
        this.irisPx = (ir.left.irisDiameter + ir.right.irisDiameter) / 2;
        timings.iris = now() - t1;
      }
      if (heavy && main && this.det.antispoof) {
        t1 = now();
        this.antispoof = await this.det.antispoof.score(img, main);
        timings.antispoof = now() - t1;
      }
      t1 = now();
      const geometry = main ? faceGeometry(main, mesh, img.width, img.height, mesh ? this.irisPx : undefined) : undefined;
      const stats = frameStats(img, main?.box ?? null);
      const eyes = mesh ? { right: patchStats(img, EYE_PATCHES(mesh).right), left: patchStats(img, EYE_PATCHES(mesh).left) } : undefined;
      if (geometry && mesh) {
        const ear = (geometry.earLeft + geometry.earRight) / 2;
        this.blink.update(ear, t);
        this.motion.push(geometry.ratios, ear);
      }
      const blinkSeen = this.blink.count > 0;
      const checks: FrameChecks = {
        face: faceCheck(faces.length, geometry ?? null, cfg.face),
        eyes: eyesCheck({ geometry: geometry ?? null, patches: eyes ?? null, faceLuma: stats.faceLuma, blinkSeen }, cfg.eyes),
        lighting: lightingCheck(stats, cfg.lighting),
        distance: distanceCheck(geometry ?? null, Math.max(img.width, img.height), cfg.distance),
        liveness: livenessCheck({ faceFound: !!main, motionSpread: this.motion.spread(), blinkSeen, antispoof: this.antispoof }, cfg.liveness),
      };
      if (o.objects) checks.phone = phoneCheck(o.objects, img.width, img.height, cfg.phone, main?.box);
      timings.checks = now() - t1;
      timings.total = now() - t0;
      return {
        seq,
        t,
        width: img.width,
        height: img.height,
        faces: faces.length,
        detections: faces,
        checks,
        geometry,
        stats,
        eyes,
        blinks: this.blink.count,
        antispoof: this.antispoof,
        distanceCm: geometry ? checks.distance.value : undefined,
        heavy,
        timings,
      };
    } finally {
      releaseImageTensor();
    }
  }

  /** Forgets blink/motion history (new session). */
  reset(): void {
    this.blink.reset();
    this.motion.reset();
    this.antispoof = null;
    this.irisPx = undefined;
    this.track = null;
    this.seq = 0;
  }
}
