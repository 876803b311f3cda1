// `npm run build:packages`: the library builds of the npm workspaces in packages/ from the
// repository's sources (nothing is copied by hand):
//   @liveness-kit/protocol  dist/ (protocol/package.ts: the wire protocol and the response schemas)
//   @liveness-kit/element   dist/ (element, embed page, vite plugin), assets/workers (prebuilt
//                           module workers), assets/models + assets/wasm (the browser's models,
//                           from models/dist, sha256-checked by `npm run models`), custom-elements.json
//   @liveness-kit/react     dist/ (the wrapper; imports @liveness-kit/element)
//   @liveness-kit/verifier  dist/ (Hono app, Node entry, Workers entry, CLI liveness-verifier)
//   @liveness-kit/matcher   dist/ (startMatcher, CLI liveness-matcher, extraction worker), models/dist
// Each package's `dependencies` are written from what its bundle imports, at the root's versions,
// so a tarball never lacks one. Types: tsc declarations under dist/types.
// Options: --only NAME[,NAME] (default all).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const versions = { ...rootPkg.devDependencies, ...rootPkg.dependencies };
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? new Set(process.argv[i + 1].split(',')) : null;
})();

/** Models the browser workers load (vision-worker: blazeface 128 and 256, facemesh, iris; phone-worker: centernet). The anti-spoof model is off the device path. */
/** The model files the browser loads (vision/load-url.ts BROWSER_MODEL_FILES: float16 copies of both blazeface models, int8 ones of facemesh, iris and centernet). */
const BROWSER_MODELS = ['blazeface-front-f16', 'blazeface-f16', 'facemesh-q8', 'iris-q8', 'centernet-q8'];
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The element package uses the prebuilt workers and its own assets folder: see the *.package.ts modules. */
const packageSwaps = {
  name: 'package-swaps',
  setup(b) {
    b.onResolve({ filter: /\/(worker-source|packaged-assets)\.ts$/ }, (a) => {
      const swapped = path.resolve(a.resolveDir, a.path.replace(/\.ts$/, '.package.ts'));
      return existsSync(swapped) ? { path: swapped } : undefined;
    });
  },
};

/** The React wrapper imports the element from its package, never a second copy. */
const elementExternal = {
  name: 'element-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (a) => {
      const target = path.resolve(a.resolveDir, a.path);
      const rel = path.relative(path.join(root, 'web-component'), target);
      if (!rel.startsWith('..') && !rel.startsWith(`react${path.sep}`)) return { path: '@liveness-kit/element', external: true };
      return undefined;
    });
  },
};

const pkgName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** Bare imports left in the outputs (npm packages), from esbuild's metafile. */
function externalsOf(metafile) {
  const out = new Set();
  for (const o of Object.values(metafile.outputs)) {
    for (const i of o.imports) if (i.external && !BUILTINS.has(i.path) && !i.path.startsWith('.') && !i.path.startsWith('cloudflare:')) out.add(pkgName(i.path));
  }
  return out;
}

async function bundle(outdir, entryPoints, o = {}) {
  const r = await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: o.platform ?? 'node',
    target: o.platform === 'browser' ? 'es2022' : 'node20',
    packages: 'external',
    plugins: o.plugins ?? [],
    metafile: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // flat: modules find their package's files (models/, assets/, extraction-worker.js) from their own URL
    chunkNames: '[name]-[hash]',
  });
  return externalsOf(r.metafile);
}

/** A self-contained module worker (tfjs and all) for the element's assets. */
async function bundleWorker(entry, outfile) {
  await build({ absWorkingDir: root, entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, legalComments: 'linked', logLevel: 'warning', plugins: [packageSwaps] });
}

/** tsc declarations of `files` into <dir>/dist/types, with `.ts` specifiers turned into `.js`. */
function declarations(dir, files) {
  const out = path.join(dir, 'dist', 'types');
  const cfg = path.join(root, `.tsconfig.build-${path.basename(dir)}.json`);
  writeFileSync(cfg, JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: out, rootDir: '.' },
    include: [],
    files,
  }));
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', cfg], { cwd: root, encoding: 'utf8' });
  rmSync(cfg, { force: true });
  if (r.status !== 0) throw new Error(`tsc declarations for ${path.basename(dir)} failed:\n${r.stdout}${r.stderr}`);
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.d.ts')) writeFileSync(p, readFileSync(p, 'utf8').replace(/((?:from |import\()\s*['"]\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1.js$2'));
    }
  };
  walk(out);
}

/** Writes `dependencies` (and keeps peer ones out of it) at the root's versions. */
function writeDependencies(dir, used) {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const peers = new Set(Object.keys(pkg.peerDependencies ?? {}));
  const deps = {};
  for (const name of [...used].sort()) {
    if (peers.has(name)) continue;
    if (name.startsWith('@liveness-kit/')) deps[name] = pkg.version;
    else if (versions[name]) deps[name] = versions[name];
    else throw new Error(`${pkg.name} imports ${name}, which the root package.json does not list`);
  }
  pkg.dependencies = deps;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

function copyModels(dest, names) {
  const src = path.join(root, 'models', 'dist');
  if (!existsSync(path.join(src, 'models'))) throw new Error('models/dist is missing: run `npm run models` first');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(path.join(dest, 'models'), { recursive: true });
  for (const f of readdirSync(path.join(src, 'models'))) {
    const base = f.replace(/\.(json|bin)$/, '').replace(/-weights_manifest$/, '');
    if (typeof names === 'function' ? names(base) : names.includes(base)) cpSync(path.join(src, 'models', f), path.join(dest, 'models', f));
  }
  cpSync(path.join(src, 'wasm'), path.join(dest, 'wasm'), { recursive: true });
}

const dirOf = (n) => path.join(root, 'packages', n);
const clean = (n) => rmSync(path.join(dirOf(n), 'dist'), { recursive: true, force: true });

const steps = {
  async protocol() {
    const d = dirOf('protocol');
    writeDependencies(d, await bundle(path.join(d, 'dist'), { index: 'protocol/package.ts' }, { platform: 'neutral' }));
    declarations(d, ['protocol/package.ts']);
  },
  async element() {
    const d = dirOf('element');
    const used = await bundle(path.join(d, 'dist'), { index: 'web-component/index.ts', embed: 'web-component/embed/iframe-page.ts' }, { platform: 'browser', plugins: [packageSwaps] });
    await bundle(path.join(d, 'dist'), { vite: 'web-component/vite-plugin.ts' }, { platform: 'node' }).then((u) => u.forEach((x) => x !== 'vite' && used.add(x)));
    writeDependencies(d, used);
    const assets = path.join(d, 'assets');
    copyModels(assets, BROWSER_MODELS);
    await bundleWorker('web-component/pipeline/vision-worker.ts', path.join(assets, 'workers', 'vision-worker.js'));
    await bundleWorker('web-component/pipeline/phone-worker.ts', path.join(assets, 'workers', 'phone-worker.js'));
    const cem = spawnSync(process.execPath, [path.join(root, 'node_modules', '@custom-elements-manifest', 'analyzer', 'cem.js'), 'analyze', '--quiet'], { cwd: root, encoding: 'utf8' });
    if (cem.status !== 0) throw new Error(`custom-elements manifest failed:\n${cem.stdout}${cem.stderr}`);
    cpSync(path.join(root, 'web-component', 'custom-elements.json'), path.join(d, 'custom-elements.json'));
    declarations(d, ['web-component/index.ts', 'web-component/embed/iframe-page.ts', 'web-component/vite-plugin.ts']);
  },
  async react() {
    const d = dirOf('react');
    writeDependencies(d, await bundle(path.join(d, 'dist'), { index: 'web-component/react/index.ts' }, { platform: 'browser', plugins: [elementExternal] }));
    declarations(d, ['web-component/react/index.ts']);
  },
  async verifier() {
    const d = dirOf('verifier');
    writeDependencies(d, await bundle(path.join(d, 'dist'), { app: 'edge-verifier/app.ts', node: 'edge-verifier/node.ts', worker: 'edge-verifier/worker.ts', cli: 'edge-verifier/cli.ts' }));
    declarations(d, ['edge-verifier/app.ts', 'edge-verifier/node.ts', 'edge-verifier/worker.ts', 'edge-verifier/types/cloudflare-workers.d.ts']);
  },
  async matcher() {
    const d = dirOf('matcher');
    const used = await bundle(path.join(d, 'dist'), { server: 'matcher/server.ts', cli: 'matcher/cli.ts', 'extraction-worker': 'matcher/extraction/extraction-worker.ts' });
    // face-api's Node build require()s @tensorflow/tfjs, which it only lists as a peer
    writeDependencies(d, new Set([...used, '@tensorflow/tfjs']));
    // the server's models: every copied original, not the browser's float16 and int8 copies nor its
    // short-range face detector
    copyModels(path.join(d, 'models', 'dist'), (base) => !/-(f16|q8)$/.test(base) && base !== 'blazeface-front');
    declarations(d, ['matcher/server.ts']);
  },
};

const shebang = (file) => writeFileSync(file, `#!/usr/bin/env node\n${readFileSync(file, 'utf8').replace(/^#!.*\n/, '')}`);

for (const [name, step] of Object.entries(steps)) {
  if (only && !only.has(name)) continue;
  const t0 = Date.now();
  clean(name);
  await step();
  for (const cli of ['cli.js']) if (existsSync(path.join(dirOf(name), 'dist', cli))) shebang(path.join(dirOf(name), 'dist', cli));
  const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(path.join(p, f)), 0) : statSync(p).size);
  console.log(`@liveness-kit/${name}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s (${(size(dirOf(name)) / 1e6).toFixed(1)} MB on disk)`);
}
