import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetsBase, assetsHash, livenessKit } from './vite-plugin.ts';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-plugin-'));
  for (const d of ['models', 'wasm', 'workers']) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, 'models', 'blazeface.json'), '{"modelTopology":{}}');
  writeFileSync(path.join(dir, 'wasm', 'tfjs-backend-wasm-simd.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(path.join(dir, 'workers', 'vision-worker.js'), 'self.onmessage = () => {};');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The plugin's dev-server middleware answering `url`: status, headers and body, or 'next'. */
function request(mw: Middleware, url: string): Promise<'next' | { headers: Record<string, string>; body: string }> {
  return new Promise((resolve) => {
    const res = new PassThrough() as unknown as ServerResponse & PassThrough;
    const headers: Record<string, string> = {};
    res.setHeader = ((k: string, v: string) => ((headers[k] = v), res)) as never;
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ headers, body }));
    mw({ url } as IncomingMessage, res, () => resolve('next'));
  });
}

function plugin(o: { base?: string; meta?: boolean } = {}) {
  const p = livenessKit({ assetsDir: dir, ...o }) as unknown as {
    configResolved(c: { base: string }): void;
    configureServer(s: { middlewares: { use(m: Middleware): void } }): void;
    generateBundle(this: { emitFile(f: { fileName: string }): void }): void;
    transformIndexHtml(): { tag: string; attrs: Record<string, string> }[];
  };
  let mw: Middleware | undefined;
  p.configResolved({ base: '/' });
  p.configureServer({ middlewares: { use: (m) => (mw = m) } });
  return { p, mw: mw! };
}

describe('@liveness-kit/element/vite', () => {
  it('serves the assets under a content-hashed folder, cacheable forever, and names it in the meta tag', async () => {
    const { p, mw } = plugin();
    const hash = assetsHash(dir);
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    const meta = p.transformIndexHtml()[0];
    expect(meta.attrs).toEqual({ name: 'liveness-kit-assets', content: `/liveness-kit/${hash}/` });
    const r = await request(mw, `/liveness-kit/${hash}/workers/vision-worker.js?v=1`);
    expect(r).toEqual({ headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' }, body: 'self.onmessage = () => {};' });
    expect(await request(mw, `/liveness-kit/${hash}/wasm/tfjs-backend-wasm-simd.wasm`)).toMatchObject({ headers: { 'content-type': 'application/wasm' } });
  });

  it('without the meta tag (a page that passes model-base and wasm-base itself): the same files at assetsBase()', async () => {
    const { p, mw } = plugin({ base: '/kit/', meta: false });
    expect(p.transformIndexHtml()).toEqual([]);
    const base = assetsBase({ assetsDir: dir, base: '/kit/' });
    expect(base).toBe(`/kit/${assetsHash(dir)}/`);
    expect(await request(mw, `${base}models/blazeface.json`)).toMatchObject({ headers: { 'cache-control': 'public, max-age=31536000, immutable' } });
  });

  it('answers nothing outside its folder: other paths, another hash, ../ escapes', async () => {
    const { mw } = plugin();
    const hash = assetsHash(dir);
    expect(await request(mw, '/index.html')).toBe('next');
    expect(await request(mw, '/liveness-kit/000000000000/workers/vision-worker.js')).toBe('next');
    expect(await request(mw, `/liveness-kit/${hash}/../vite-plugin.test.ts`)).toBe('next');
    expect(await request(mw, `/liveness-kit/${hash}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`)).toBe('next');
    expect(await request(mw, `/liveness-kit/${hash}/workers`)).toBe('next');
  });

  it('emits every asset into the build under the same folder; new bytes, new folder', () => {
    const { p } = plugin();
    const hash = assetsHash(dir);
    const files: string[] = [];
    p.generateBundle.call({ emitFile: (f) => files.push(f.fileName) });
    expect(files.sort()).toEqual([`liveness-kit/${hash}/models/blazeface.json`, `liveness-kit/${hash}/wasm/tfjs-backend-wasm-simd.wasm`, `liveness-kit/${hash}/workers/vision-worker.js`]);
    writeFileSync(path.join(dir, 'workers', 'vision-worker.js'), 'self.onmessage = () => { /* v2 */ };');
    expect(assetsHash(dir)).not.toBe(hash);
  });
});
