/**
 * The asset base of a packaged element (none here: the repository serves `/models`, `/wasm/` and
 * bundles the workers). The element package swaps this module for packaged-assets.package.ts.
 */
export function packagedAssetBase(): string | null {
  return null;
}
