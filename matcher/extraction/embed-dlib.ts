import type { ImageInput } from '../../vision/types.ts';
import { MODEL_FILES_DIR, tfReady } from './tf-runtime.ts';

/** Model identity written into every template header; templates of other models are never compared. */
export const DLIB_MODEL = { model: 'dlib-resnet-face-api', version: '1.7.15', dims: 128 } as const;

export interface Embedder {
  readonly model: string;
  readonly version: string;
  readonly dims: number;
  /** L2-normalised embedding of an aligned chip. */
  embed(chip: ImageInput): Promise<Float32Array>;
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

/** dlib ResNet-34 (public-domain weights shipped by @vladmandic/face-api) on a 150×150 chip. */
export async function createDlibEmbedder(): Promise<Embedder> {
  await tfReady();
  const faceapi = await import('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const tf = (faceapi as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
  const net = (faceapi as unknown as { nets: { faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; computeFaceDescriptor(t: unknown): Promise<Float32Array | Float32Array[]> } } }).nets.faceRecognitionNet;
  await net.loadFromDisk(MODEL_FILES_DIR);
  return {
    ...DLIB_MODEL,
    async embed(chip: ImageInput): Promise<Float32Array> {
      const t = tf.tensor3d(Int32Array.from(chip.data), [chip.height, chip.width, 3], 'int32').toFloat();
      try {
        const d = await net.computeFaceDescriptor(t);
        return l2normalise(Array.isArray(d) ? d[0] : d);
      } finally {
        t.dispose();
      }
    },
  };
}
