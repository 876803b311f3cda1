/**
 * `@liveness-kit/element/vite`: serves the element package's `assets/` (workers, models, wasm) in
 * `vite dev` / `vite preview`, copies them into the build, and tells the element where they are
 * with `<meta name="liveness-kit-assets">`. Same-origin, so the module workers may start.
 *
 * The files live under a content-hashed folder, `<base><hash of every asset>/`: a new package
 * version gets a new path, so the host may cache them forever (`vite dev` / `vite preview` send
 * `Cache-Control: public, max-age=31536000, immutable`; give your own server the same rule).
 *
 *   import { livenessKit } from '@liveness-kit/element/vite';
 *   export default { plugins: [livenessKit()] };          // assets at /liveness-kit/<hash>/
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { ASSET_META } from './element/asset-urls.ts';

export interface LivenessKitPluginOptions {
  /** URL path the assets' content-hashed folder is served and built under (default `/liveness-kit/`) */
  base?: string;
  /** folder holding `models/`, `wasm/`, `workers/` (default: the package's own `assets/`) */
  assetsDir?: string;
  /**
   * inject `<meta name="liveness-kit-assets">` into every page (default true). false: the page
   * passes `model-base` / `wasm-base` itself (from `assetsBase()`) and its bundler builds the workers
   */
  meta?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** Every file under `dir`, as `/`-separated relative paths. */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : [],
  );
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** 12 hex digits of the sha256 over every file's path and bytes: the assets' folder name. */
export function assetsHash(dir: string): string {
  const h = createHash('sha256');
  for (const rel of listFiles(dir).sort()) h.update(`${rel}\0`).update(readFileSync(path.join(dir, rel))).update('\0');
  return h.digest('hex').slice(0, 12);
}

const assetsDirOf = (o: LivenessKitPluginOptions) => path.resolve(o.assetsDir ?? fileURLToPath(new URL(['..', 'assets', ''].join('/'), import.meta.url)));

/** The URL path the plugin serves the assets under, `<base><hash>/` (before vite's own `base`). */
export function assetsBase(o: LivenessKitPluginOptions = {}): string {
  return `/${(o.base ?? '/liveness-kit/').replace(/^\/+|\/+$/g, '')}/${assetsHash(assetsDirOf(o))}/`;
}

export function livenessKit(o: LivenessKitPluginOptions = {}): Plugin {
  const dir = assetsDirOf(o);
  const base = assetsBase(o);
  let publicBase = '/';
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (!url.startsWith(base)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(url.slice(base.length));
    } catch {
      return next();
    }
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep) || !isFile(file)) return next();
    res.setHeader('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'liveness-kit-assets',
    configResolved(c) {
      publicBase = /^\//.test(c.base) ? c.base : '/';
    },
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    generateBundle() {
      for (const rel of listFiles(dir)) this.emitFile({ type: 'asset', fileName: `${base.slice(1)}${rel}`, source: readFileSync(path.join(dir, rel)) });
    },
    transformIndexHtml() {
      if (o.meta === false) return [];
      return [{ tag: 'meta', attrs: { name: ASSET_META, content: `${publicBase.replace(/\/$/, '')}${base}` }, injectTo: 'head-prepend' }];
    },
  };
}
