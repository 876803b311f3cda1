import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { demoCacheHeaders } from './vite-plugin.ts';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The cache-control header the preview middleware sets for `url` (undefined: none). */
function cacheControl(url: string): string | undefined {
  let mw: Middleware | undefined;
  (demoCacheHeaders() as unknown as { configurePreviewServer(s: { middlewares: { use(m: Middleware): void } }): void }).configurePreviewServer({ middlewares: { use: (m) => (mw = m) } });
  const headers: Record<string, string> = {};
  let passed = false;
  mw!({ url } as IncomingMessage, { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as ServerResponse, () => (passed = true));
  expect(passed).toBe(true);
  return headers['cache-control'];
}

describe('demo preview cache headers', () => {
  it("sends the build's content-hashed /assets/ as immutable, and nothing else", () => {
    expect(cacheControl('/assets/vision-worker-DiW9sIzX.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControl('/pipeline.html')).toBeUndefined();
    expect(cacheControl('/models/facemesh-q8.json')).toBeUndefined();
    expect(cacheControl('/demo-api/session')).toBeUndefined();
  });
});
