/** Browser model loader: graph models served over HTTP(S) from the page's own origin (e.g. /models/). */
import type { io } from '@tensorflow/tfjs-core';
import type { ModelSource } from './types.ts';
import { checkGraphModelJson, graphModelArtifacts } from './int8-weights.ts';

/**
 * The files the browser loads for a model name: the copies the models step derives
 * (models/manifest.json `derived`): float16 (half of float32, decoded by tfjs) for the two face
 * detectors, int8 with a scale per channel (a quarter of float32) for the mesh, iris and phone
 * models. The server keeps the originals. scripts/build-packages.mjs ships the same files in the element package.
 */
export const BROWSER_MODEL_FILES: Readonly<Record<string, string>> = {
  blazeface: 'blazeface-f16',
  'blazeface-front': 'blazeface-front-f16',
  facemesh: 'facemesh-q8',
  iris: 'iris-q8',
  centernet: 'centernet-q8',
};

/**
 * ModelSource resolving `<base>/<file>.json` (BROWSER_MODEL_FILES, else the name); `base` is a
 * same-origin path such as "/models". A `-q8` file (int8 with a scale per channel, which tfjs cannot
 * read by itself) comes as an IOHandler that fetches and decodes it; any other as its URL.
 */
export function urlModelSource(base: string, files: Readonly<Record<string, string>> = BROWSER_MODEL_FILES): ModelSource {
  const b = base.endsWith('/') ? base : `${base}/`;
  return async (name: string) => {
    const file = files[name] ?? name;
    const url = `${b}${encodeURIComponent(file)}.json`;
    return file.endsWith('-q8') ? int8Handler(url) : url;
  };
}

async function fetchOk(url: URL): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`model file ${url.pathname}: HTTP ${res.status}`);
  return res;
}

/** Loads a graph model whose weights need decoding (int8 with a scale per channel, int8-weights.ts). */
function int8Handler(jsonUrl: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const at = new URL(jsonUrl, globalThis.location?.href);
      const json = checkGraphModelJson(await (await fetchOk(at)).json(), at.pathname);
      const bins = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map(async (p) => new Uint8Array(await (await fetchOk(new URL(p, at))).arrayBuffer())));
      const all = new Uint8Array(bins.reduce((a, x) => a + x.length, 0));
      let o = 0;
      for (const x of bins) {
        all.set(x, o);
        o += x.length;
      }
      return graphModelArtifacts(json, all.buffer);
    },
  };
}
