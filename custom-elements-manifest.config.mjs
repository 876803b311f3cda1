// @custom-elements-manifest/analyzer: the manifest of <liveness-capture> (npm run build:manifest →
// web-component/custom-elements.json; e2e-free check in web-component/element/manifest.test.ts).
export default {
  globs: ['web-component/element/liveness-capture.ts'],
  outdir: 'web-component',
  litelement: true,
  plugins: [
    {
      name: 'liveness-kit-documented-events-only',
      // the element dispatches through one helper (`emit(name, detail)`); the analyzer lists its
      // parameter as an event called "name". Only the events the JSDoc documents are real.
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const d of mod.declarations ?? []) {
            if (d.events) d.events = d.events.filter((e) => e.description);
          }
        }
      },
    },
  ],
};
