/**
 * Decodes the weights of a graph model stored with one int8 scale per channel (the models step's
 * `int8-channel` transform, models/scripts/int8.mjs) into what tfjs loads: float32 for those
 * weights, every other weight's bytes (float16, int32 …) as they are. tfjs has no per-channel
 * format of its own. Used by both model loaders (load-url.ts, load-node.ts).
 */
import type { io } from '@tensorflow/tfjs-core';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Whether any weight needs decoding here. */
export function hasInt8Channel(specs: readonly io.WeightsManifestEntry[]): boolean {
  return specs.some((s) => (s.quantization?.dtype as string | undefined) === 'int8-channel');
}

/** `specs` and `data` as stored; returns specs and data tfjs can load. Throws on a short or long buffer. */
export function decodeInt8Channel(specs: readonly io.WeightsManifestEntry[], data: ArrayBuffer): { specs: io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const src = new Uint8Array(data);
  const parts: Uint8Array[] = [];
  const out: io.WeightsManifestEntry[] = [];
  let off = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const q = s.quantization as { dtype: string; axis?: number } | undefined;
    if (q?.dtype !== 'int8-channel') {
      const size = n * (BYTES[q ? q.dtype : s.dtype] ?? Number.NaN);
      if (!(off + size <= src.length)) throw new Error(`weights: ${s.name} runs past the data`);
      parts.push(src.subarray(off, off + size));
      out.push(s);
      off += size;
      continue;
    }
    const axis = q.axis ?? 3;
    if (s.shape.length !== 4 || (axis !== 2 && axis !== 3)) throw new Error(`weights: ${s.name} is not a rank-4 kernel with a channel axis`);
    const C = s.shape[axis];
    const stride = axis === 3 ? 1 : s.shape[3];
    if (off + 4 * C + n > src.length) throw new Error(`weights: ${s.name} runs past the data`);
    const scales = new DataView(data, off, 4 * C);
    const q8 = new Int8Array(data, off + 4 * C, n);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = q8[i] * scales.getFloat32(4 * (Math.floor(i / stride) % C), true);
    parts.push(new Uint8Array(f.buffer));
    out.push({ name: s.name, shape: s.shape, dtype: 'float32' });
    off += 4 * C + n;
  }
  if (off !== src.length) throw new Error(`weights: the manifest covers ${off} bytes, the data holds ${src.length}`);
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { specs: out, data: all.buffer };
}

/** A tfjs graph model's json (model.json), as both loaders read it. */
export interface GraphModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: io.ModelArtifacts['userDefinedMetadata'];
  modelInitializer?: unknown;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

/** Whether `json` looks like a graph model's json (`name` goes in the error otherwise). */
export function checkGraphModelJson(json: unknown, name: string): GraphModelJson {
  if (!json || typeof json !== 'object' || !Array.isArray((json as GraphModelJson).weightsManifest)) throw new Error(`not a tfjs graph model: ${name}`);
  return json as GraphModelJson;
}

/** What tfjs loads from a graph model's json and its weight files concatenated in manifest order (int8-channel weights decoded). */
export function graphModelArtifacts(json: GraphModelJson, weights: ArrayBuffer): io.ModelArtifacts {
  const stored = json.weightsManifest.flatMap((g) => g.weights);
  const { specs, data } = hasInt8Channel(stored) ? decodeInt8Channel(stored, weights) : { specs: stored, data: weights };
  return {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    signature: json.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer as io.ModelArtifacts['modelInitializer'],
    weightSpecs: specs,
    weightData: data,
  };
}
