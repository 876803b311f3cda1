/**
 * Node model loader: a tfjs IOHandler that reads a graph model (json + weight shards) from disk,
 * by default from models/dist/models (copied and sha256-checked by `npm run models`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { io } from '@tensorflow/tfjs-core';
import type { ModelSource } from './types.ts';
import { checkGraphModelJson, graphModelArtifacts } from './int8-weights.ts';

/** models/dist in this checkout. */
export const MODELS_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'models', 'dist');
/** Directory prefix (with trailing slash) for initTf({ wasmPaths }) in Node. */
export const NODE_WASM_PATHS = path.join(MODELS_DIST, 'wasm') + path.sep;

/** IOHandler for `<dir>/<name>.json` and its weight files. */
export function fileHandler(jsonPath: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const json = checkGraphModelJson(JSON.parse(await readFile(jsonPath, 'utf8')), path.basename(jsonPath));
      const dir = path.dirname(jsonPath);
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest) for (const p of group.paths) buffers.push(await readFile(path.join(dir, p)));
      const all = Buffer.concat(buffers);
      return graphModelArtifacts(json, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer);
    },
  };
}

/** ModelSource reading `<dir>/<name>.json` (default models/dist/models). */
export function nodeModelSource(dir: string = path.join(MODELS_DIST, 'models')): ModelSource {
  return async (name: string) => fileHandler(path.join(dir, `${name}.json`));
}
