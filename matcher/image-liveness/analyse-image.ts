/**
 * POST /liveness/image (matcher): BioDoc Liveness 1.0 on one still. With pre-analysis: the
 * background-removed and faces images, then faces, eyes, photo of a photo, lighting and distance
 * (stopping at the first failure), then liveness; without it, liveness alone. Liveness on one still
 * is the single-frame PAD (`padFromFrames` with one frame picks the single-image weights): texture
 * and context only — no motion, no approach — which is what docs/single-image.md says it can stop.
 */
import sharp from 'sharp';
import { KitError, IMAGE_LIMITS, type MatcherImageRequest, type MatcherImageResult } from '../../protocol/index.ts';
import { nodeModelSource } from '../../vision/load-node.ts';
import { padDecide, padSignals } from '../../vision/pad/index.ts';
import { createSegmenter, type Segmenter } from '../../vision/segment.ts';
import { eyesCheck, EYE_PATCHES } from '../../web-component/checks/eyes.ts';
import { frameStats, patchStats } from '../../web-component/checks/frame-stats.ts';
import { faceGeometry } from '../../web-component/checks/geometry.ts';
import { lightingCheck } from '../../web-component/checks/lighting.ts';
import { phoneCheck } from '../../web-component/checks/phone.ts';
import { resolveConfig } from '../../web-component/config.ts';
import type { DetectedObject } from '../../vision/types.ts';
import type { Extractor } from '../extraction/extractor.ts';
import { imageDistance } from './distance.ts';
import { focalLength35 } from './exif-focal.ts';
import { backgroundRemoved, facesImage } from './render.ts';
import { preAnalysis } from './steps.ts';

/** the device checks' thresholds (web-component/config.ts): one set of rules for video and stills */
const CFG = resolveConfig();

let segmenter: Promise<Segmenter> | undefined;
function segmenterOnce(): Promise<Segmenter> {
  segmenter ??= createSegmenter({ model: nodeModelSource() }).catch((e: unknown) => {
    segmenter = undefined;
    throw e;
  });
  return segmenter;
}

export interface ImageLivenessOptions {
  /** `live` needs liveness ≥ this (0–100) */
  threshold: number;
  /** run the COCO detector (screens, phones) */
  objects: boolean;
}

/**
 * COCO detections for this request's image computed elsewhere (another worker thread, started when
 * the request arrived, on its own decode of the same bytes); analyseImage falls back to its own
 * extractor when this rejects.
 */
export type ObjectsElsewhere = () => Promise<DetectedObject[]>;

export async function analyseImage(x: Extractor, body: MatcherImageRequest, o: ImageLivenessOptions, elsewhere?: ObjectsElsewhere): Promise<MatcherImageResult> {
  const a = await x.analyse(body.image);
  const { width: w, height: h } = a.image;
  if (w < IMAGE_LIMITS.minWidth || h < IMAGE_LIMITS.minHeight) throw new KitError('IMAGE_TOO_SMALL', `image is ${w}×${h}, under ${IMAGE_LIMITS.minWidth}×${IMAGE_LIMITS.minHeight}`);
  const faces = a.faces.filter((f) => f.score >= CFG.face.minScore);
  const boxes = faces.map((f) => ({ x: Math.round(f.box.x), y: Math.round(f.box.y), w: Math.round(f.box.w), h: Math.round(f.box.h) }));
  const main = faces.length === 1 ? faces[0] : undefined;
  // pre-analysis: the EXIF read and the two pictures' encoding run on sharp's threads while the
  // COCO detector runs (the segmentation, 15–20 ms, goes first: the cut-out needs its mask)
  const focalP = body.preAnalysis ? sharp(body.image).metadata().then((m) => focalLength35(m.exif), () => null) : null;
  const mask = body.preAnalysis ? await (await segmenterOnce()).mask(a.image) : null;
  const imagesP = mask ? Promise.all([backgroundRemoved(a.image, mask), facesImage(a.image, boxes)]) : null;
  imagesP?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const detect = () => x.detectObjects(a.image);
  const objectsP = o.objects && faces.length ? (elsewhere ? elsewhere().catch(detect) : detect()) : Promise.resolve([]);
  objectsP.catch(() => undefined); // awaited below

  // everything that does not need the detections is computed while the detector runs (on another
  // worker when there is one): the checks' inputs and the PAD's own signals (padSignals)
  const mesh = main && a.landmarks && a.face === main ? a.landmarks : null;
  const geometry = main ? faceGeometry(main, mesh, w, h) : null;
  const stats = body.preAnalysis ? frameStats(a.image, main?.box ?? null) : null;
  const patches = body.preAnalysis && mesh ? EYE_PATCHES(mesh) : null;
  // liveness: the single-frame PAD on the largest face (with pre-analysis off, whatever the image holds)
  const padOptions = { requireApproach: false, singleImage: true } as const;
  const signals = a.face && a.landmarks ? padSignals([{ image: a.image, landmarks: a.landmarks, t: 0, role: 'best' }], padOptions) : null;
  const objects = await objectsP;

  let pre: ReturnType<typeof preAnalysis> | null = null;
  let images: MatcherImageResult['images'];
  if (body.preAnalysis && imagesP && focalP && stats) {
    const [bg, boxed] = await imagesP;
    images = { backgroundRemoved: bg, faces: boxed };
    const focal = await focalP;
    pre = preAnalysis({
      faces: faces.length,
      eyes: main ? eyesCheck({ geometry, patches: patches ? { right: patchStats(a.image, patches.right), left: patchStats(a.image, patches.left) } : null, faceLuma: stats.faceLuma, blinkSeen: false }, { ...CFG.eyes, requireBlink: false }) : null,
      photo: phoneCheck(objects, w, h, CFG.phone, main?.box),
      lighting: lightingCheck(stats, CFG.lighting),
      distance: geometry ? imageDistance(geometry.faceWidthPx, w, h, body.device ?? 'mobile', focal) : null,
    });
    if (pre.failed) return { steps: pre.steps, failed: pre.failed, reasons: [], faces: boxes, images };
  }

  const screens = objects.filter((d) => d.score >= 0.2 && CFG.phone.labels.includes(d.label));
  const pad = signals ? padDecide(signals, screens, padOptions) : null;
  const liveness = pad ? pad.liveness : 0;
  const live = !!pad && pad.live && liveness >= o.threshold;
  const step = { step: 'liveness' as const, pass: live, value: liveness, ...(live ? {} : { code: 'FACE_NOT_LIVE' }) };
  return { steps: [...(pre?.steps ?? []), step], liveness, live, reasons: pad ? pad.reasons : ['NO_FACE'], faces: boxes, ...(images ? { images } : {}) };
}
