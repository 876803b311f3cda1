import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { demoApiPlugin, demoCacheHeaders } from './demo/server/vite-plugin.ts';
import { assetsBase, livenessKit } from './web-component/vite-plugin.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
// the same models and wasm also under a content-hashed path, sent as immutable (as the element
// package's plugin serves them to an integrator): the vision pipeline page loads them from there
const kit = { base: '/kit/', assetsDir: path.join(root, 'models', 'dist'), meta: false };
const kitReady = existsSync(path.join(kit.assetsDir, 'models'));

// The demo site. Models and wasm are served from models/dist (copied and sha256-checked by
// `npm run models`) at /models/* and /wasm/*; nothing is loaded from a remote host.
export default defineConfig({
  root: path.join(root, 'demo'),
  publicDir: path.join(root, 'models', 'dist'),
  // the demo integrator backend (API key, review proxy, webhook receiver) at /demo-api/
  plugins: [demoApiPlugin(), demoCacheHeaders(), ...(kitReady ? [livenessKit(kit)] : [])],
  define: { __DEMO_KIT_ASSETS__: JSON.stringify(kitReady ? assetsBase(kit) : '/') },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.DEMO_PORT ?? 5173),
    strictPort: true,
    fs: { allow: [root] },
    // transform the pages' modules at start-up so the first page load does not wait on them
    warmup: { clientFiles: ['./*.ts'] },
  },
  preview: { host: '127.0.0.1', port: Number(process.env.DEMO_PORT ?? 5173) },
  worker: { format: 'es' },
  // Pre-bundle every browser dependency (workers' included) when the server starts: a dependency
  // discovered late makes vite reload the page, which would drop a capture in progress.
  optimizeDeps: {
    entries: ['*.html'],
    include: ['lit', 'react', 'react-dom/client', 'comlink', 'jose', 'valibot', 'cborg', '@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm'],
  },
  build: {
    outDir: path.join(root, 'dist', 'demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: path.join(root, 'demo', 'index.html'),
        pipeline: path.join(root, 'demo', 'pipeline.html'),
        capture: path.join(root, 'demo', 'capture.html'),
        iframe: path.join(root, 'demo', 'iframe.html'),
        host: path.join(root, 'demo', 'host.html'),
        return: path.join(root, 'demo', 'return.html'),
        enrol: path.join(root, 'demo', 'enrol.html'),
        verify: path.join(root, 'demo', 'verify.html'),
        identify: path.join(root, 'demo', 'identify.html'),
        update: path.join(root, 'demo', 'update.html'),
        console: path.join(root, 'demo', 'console.html'),
        camera: path.join(root, 'demo', 'camera.html'),
        photo: path.join(root, 'demo', 'photo.html'),
        react: path.join(root, 'demo', 'react-demo.html'),
      },
    },
  },
});
