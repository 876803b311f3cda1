import { createServer, type ViteDevServer } from 'vite';
import path from 'node:path';
import { ROOT } from './fixtures.ts';

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the demo site (vite dev server, same config as `npm start`) on a free loopback port. */
export async function startDemoServer(): Promise<DemoServer> {
  const server: ViteDevServer = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: 0, strictPort: false, host: '127.0.0.1', hmr: false },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') throw new Error('demo server has no address');
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.close() };
}
