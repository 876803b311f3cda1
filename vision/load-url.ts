/** Browser model loader: graph models served over HTTP(S) from the page's own origin (e.g. /models/). */
import type { ModelSource } from './types.ts';

/**
 * The files the browser loads for a model name: float16 copies where the models step derives one
 * (models/manifest.json `derived`: half the download, decoded to float32 by tfjs; the server keeps
 * the float32 originals). scripts/build-packages.mjs ships the same files in the element package.
 */
export const BROWSER_MODEL_FILES: Readonly<Record<string, string>> = { blazeface: 'blazeface-f16', 'blazeface-front': 'blazeface-front-f16', iris: 'iris-f16' };

/** ModelSource resolving `<base>/<file>.json` (BROWSER_MODEL_FILES, else the name); `base` is a same-origin path such as "/models". */
export function urlModelSource(base: string, files: Readonly<Record<string, string>> = BROWSER_MODEL_FILES): ModelSource {
  const b = base.endsWith('/') ? base : `${base}/`;
  return async (name: string) => `${b}${encodeURIComponent(files[name] ?? name)}.json`;
}
