/**
 * `npm run bench` part: bytes the page pays for <liveness-capture>.
 * - element: the element's own JS (Lit, controllers, capture/signing, jose, valibot, cborg),
 *   minified + gzipped, with the vision pipeline (loaded on start) left out;
 * - pipeline + workers: the lazily loaded vision code, minified + gzipped;
 * - models and wasm: the bytes fetched at run time (already compressed weights: raw sizes);
 * - the `@liveness-kit/element` tarball as `npm pack` makes it (built here first).
 */
import { spawnSync } from 'node:child_process';
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const wc = path.join(root, 'web-component');

/** Leaves the lazily imported pipeline out of the element bundle. */
const lazyPipeline: Plugin = {
  name: 'lazy-pipeline',
  setup(b) {
    b.onResolve({ filter: /vision-adapter\.ts$/ }, (a) => ({ path: a.path, external: true }));
  },
};

async function bundle(entry: string, plugins: Plugin[] = []): Promise<{ raw: number; gz: number }> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    plugins,
    logLevel: 'silent',
  });
  const bytes = Buffer.concat(r.outputFiles.map((f) => Buffer.from(f.contents)));
  return { raw: bytes.byteLength, gz: gzipSync(bytes, { level: 9 }).byteLength };
}

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

const kb = (n: number) => (n / 1024).toFixed(1);

const el = await bundle(path.join(wc, 'element', 'liveness-capture.ts'), [lazyPipeline]);
console.log(`element gzip: ${kb(el.gz)} KB  (minified ${kb(el.raw)} KB; goal ≤ 50 KB; pipeline, workers and models excluded)`);

const embed = await bundle(path.join(wc, 'embed', 'iframe-page.ts'), [lazyPipeline]);
console.log(`iframe page gzip: ${kb(embed.gz)} KB  (element + embed logic)`);

const adapter = path.join(wc, 'element', 'vision-adapter.ts');
if (existsSync(adapter)) {
  try {
    const p = await bundle(adapter);
    console.log(`pipeline (main thread, lazy) gzip: ${kb(p.gz)} KB`);
  } catch (e) {
    console.log(`pipeline (main thread, lazy): not bundled (${e instanceof Error ? e.message.split('\n')[0] : 'error'})`);
  }
}
let workerTotal = 0;
for (const dir of ['pipeline', 'workers'].map((d) => path.join(wc, d)).filter(existsSync)) {
  for (const f of readdirSync(dir).filter((x) => /[.-]worker\.ts$/.test(x))) {
    try {
      const w = await bundle(path.join(dir, f));
      workerTotal += w.gz;
      console.log(`worker ${f} gzip: ${kb(w.gz)} KB (minified ${kb(w.raw)} KB)`);
    } catch (e) {
      console.log(`worker ${f}: not bundled (${e instanceof Error ? e.message.split('\n')[0] : 'error'})`);
    }
  }
}
if (workerTotal) console.log(`workers total gzip: ${kb(workerTotal)} KB`);
const models = path.join(root, 'models', 'dist', 'models');
const wasm = path.join(root, 'models', 'dist', 'wasm');
console.log(`models: ${kb(dirBytes(models))} KB (raw, fetched on start)`);
console.log(`wasm: ${kb(dirBytes(wasm))} KB (raw)`);

// the package an integrator installs: element, embed page, vite plugin, workers, models, wasm
const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-packages.mjs'), '--only', 'element'], { cwd: root, encoding: 'utf8' });
if (built.status !== 0) {
  console.log(`@liveness-kit/element tarball: not built (${(built.stderr || built.stdout).trim().split('\n').at(-1)})`);
} else {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--workspace', '@liveness-kit/element'], { cwd: root, encoding: 'utf8' });
  const info = JSON.parse(packed.stdout || '[]')[0] as { size: number; unpackedSize: number; entryCount: number } | undefined;
  if (info) console.log(`@liveness-kit/element tarball (npm pack): ${kb(info.size)} KB (${(info.unpackedSize / 1e6).toFixed(1)} MB unpacked, ${info.entryCount} files: element, embed, vite plugin, workers, models, wasm)`);
  else console.log(`@liveness-kit/element tarball: npm pack failed (${packed.stderr.trim().split('\n').at(-1)})`);
}
