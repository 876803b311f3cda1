import { KitError } from '../../protocol/index.ts';
import type { DetectedObject, FaceDetection, FaceLandmarks, ImageInput } from '../../vision/types.ts';
import { alignChip } from './align.ts';
import { createDlibEmbedder, type Embedder } from './embed-dlib.ts';
import { decodeImage } from './image-decode.ts';
import { assessQuality, DEFAULT_QUALITY_THRESHOLDS, type QualityReport, type QualityThresholds } from './quality.ts';
import { createFaceFinder, createObjectFinder, type FaceFinder, type ObjectFinder } from './vision-adapter.ts';

export interface Extraction {
  /** L2-normalised embedding */
  embedding: Float32Array;
  quality: QualityReport;
}

export interface FaceAnalysis {
  image: ImageInput;
  faces: FaceDetection[];
  /** the largest face and its mesh, when one was found */
  face?: FaceDetection;
  landmarks?: FaceLandmarks | null;
}

/** Image bytes → decoded, detected, landmarked, aligned, embedded. */
export interface Extractor {
  readonly model: string;
  readonly version: string;
  readonly dims: number;
  readonly finderSource: string;
  analyse(bytes: Uint8Array): Promise<FaceAnalysis>;
  extract(bytes: Uint8Array): Promise<Extraction>;
  /** The embedding of an analysed image's largest face (NO_FACE without one): no second decode or detection. */
  embedAnalysis(a: FaceAnalysis): Promise<Extraction>;
  /** COCO objects (screen-like classes) on a decoded image; the detector loads on first use */
  detectObjects(image: ImageInput): Promise<DetectedObject[]>;
}

const largest = (faces: FaceDetection[]) => faces.reduce((a, b) => (b.box.w * b.box.h > a.box.w * a.box.h ? b : a));

export async function createExtractor(
  o: { quality?: QualityThresholds; finder?: FaceFinder; embedder?: Embedder; objects?: () => Promise<ObjectFinder> } = {},
): Promise<Extractor> {
  const finder = o.finder ?? (await createFaceFinder());
  const embedder = o.embedder ?? (await createDlibEmbedder());
  const thresholds = o.quality ?? DEFAULT_QUALITY_THRESHOLDS;
  // tfjs on wasm is single-threaded: serialise model calls so concurrent requests do not interleave tensors
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => undefined);
    return p;
  };
  // the object detector is only needed by POST /liveness: load it lazily, once
  let objects: Promise<ObjectFinder> | undefined;
  async function analyse(bytes: Uint8Array): Promise<FaceAnalysis> {
    const image = await decodeImage(bytes);
    return serial(async () => {
      const faces = await finder.detector.detect(image);
      if (!faces.length) return { image, faces };
      const face = largest(faces);
      const landmarks = await finder.landmarker.landmarks(image, face);
      return { image, faces, face, landmarks };
    });
  }
  async function embedAnalysis(a: FaceAnalysis): Promise<Extraction> {
    if (!a.face || !a.landmarks) throw new KitError('NO_FACE', 'no usable face found in the image');
    const chip = alignChip(a.image, a.landmarks);
    const embedding = await serial(() => embedder.embed(chip));
    return { embedding, quality: assessQuality(a.image, a.faces, a.face, a.landmarks, chip, thresholds) };
  }
  return {
    model: embedder.model,
    version: embedder.version,
    dims: embedder.dims,
    finderSource: finder.source,
    analyse,
    extract: async (bytes: Uint8Array): Promise<Extraction> => embedAnalysis(await analyse(bytes)),
    embedAnalysis,
    async detectObjects(image: ImageInput): Promise<DetectedObject[]> {
      objects ??= (o.objects ?? createObjectFinder)();
      const finder = await objects.catch((e: unknown) => {
        objects = undefined;
        throw e;
      });
      return serial(() => finder.detector.detect(image));
    },
  };
}
