import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { DEMO_API_BASE, createDemoApi, type DemoApiOptions } from './app.ts';
import { demoApiConfigFromEnv } from './config.ts';

/**
 * Mounts the demo integrator backend at `/demo-api/` on the vite dev and preview servers.
 * Config comes from `DEMO_*` env at server start (scripts/start.mjs sets them); the API key stays
 * in this process.
 */
export function demoApiPlugin(opts: DemoApiOptions = {}): Plugin {
  const mount = (use: (fn: (req: IncomingMessage, res: ServerResponse, next: () => void) => void) => void): void => {
    const api = createDemoApi({ config: opts.config ?? demoApiConfigFromEnv(), fetch: opts.fetch });
    const listener = getRequestListener(api.app.fetch);
    use((req, res, next) => {
      const url = req.url ?? '';
      if (url === DEMO_API_BASE || url.startsWith(`${DEMO_API_BASE}/`) || url.startsWith(`${DEMO_API_BASE}?`)) void listener(req, res);
      else next();
    });
  };
  return {
    name: 'liveness-demo-api',
    configureServer(server) {
      mount((fn) => server.middlewares.use(fn));
    },
    configurePreviewServer(server) {
      mount((fn) => server.middlewares.use(fn));
    },
  };
}

/**
 * `vite preview` sends `Cache-Control: no-cache` for everything; the production build's `/assets/`
 * files are named by their content hash, so they are sent as immutable, as a production host would
 * (a repeat visit then loads the page's and the workers' scripts without a round trip each).
 */
export function demoCacheHeaders(): Plugin {
  return {
    name: 'liveness-demo-cache-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').startsWith('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        next();
      });
    },
  };
}
