/**
 * The element package's default asset base (replaces packaged-assets.ts in
 * scripts/build-packages.mjs): the `assets/` folder shipped beside `dist/`, found from this
 * module's own URL. That holds when the package's files are served as they are; once an app
 * bundles the element the module moves, so bundled apps serve the assets themselves (the vite
 * plugin `@liveness-kit/element/vite` does) and name them with `asset-base` or the meta tag.
 */
export function packagedAssetBase(): string | null {
  // built from parts so that no bundler mistakes it for a file to resolve at build time
  return new URL(['..', 'assets', ''].join('/'), import.meta.url).href;
}
