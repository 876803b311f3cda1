/**
 * Where the element's workers, models and wasm come from. One folder (the asset base) holds
 * `models/`, `wasm/` and `workers/` as the element package ships them; `model-base` / `wasm-base`
 * override one part. Without an asset base, the repository's own layout (the demo's `/models`,
 * `/wasm/` and the bundler's workers).
 */
export interface AssetUrls {
  /** base of the graph models, no trailing slash */
  modelBase: string;
  /** base of the tfjs wasm files, with a trailing slash */
  wasmBase: string;
  /** folder of the prebuilt workers (absent: the bundler's workers) */
  workerBase?: string;
}

export interface AssetAttributes {
  assetBase: string | null;
  modelBase: string | null;
  wasmBase: string | null;
}

/** The `<meta name="liveness-kit-assets" content="…">` a page (or the vite plugin) sets. */
export const ASSET_META = 'liveness-kit-assets';

/** Resolves the attributes against the document's URL: workers fetch with absolute URLs only. */
export function assetUrls(a: AssetAttributes, documentUrl: string): AssetUrls {
  const abs = (u: string) => new URL(u, documentUrl).href;
  const root = a.assetBase ? abs(a.assetBase.endsWith('/') ? a.assetBase : `${a.assetBase}/`) : null;
  return {
    modelBase: a.modelBase ? abs(a.modelBase).replace(/\/$/, '') : root ? `${root}models` : abs('/models'),
    wasmBase: a.wasmBase ? abs(a.wasmBase.endsWith('/') ? a.wasmBase : `${a.wasmBase}/`) : root ? `${root}wasm/` : abs('/wasm/'),
    ...(root ? { workerBase: `${root}workers/` } : {}),
  };
}
