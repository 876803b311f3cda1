import path from 'node:path';
import { initTf } from '../../vision/tf.ts';
import { MODELS_DIST, NODE_WASM_PATHS } from '../../vision/load-node.ts';

/** models/dist of this checkout (vision/load-node.ts owns the path). */
export const MODELS_DIR = MODELS_DIST;
export const MODEL_FILES_DIR = path.join(MODELS_DIST, 'models');

/** tfjs on the wasm backend, once per process, through vision/'s shared initialisation. */
export function tfReady(): Promise<void> {
  return initTf({ wasmPaths: NODE_WASM_PATHS });
}
