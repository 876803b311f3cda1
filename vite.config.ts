import { defineConfig } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

// The demo site. Models and wasm are served from models/dist (copied and sha256-checked by
// `npm run models`) at /models/* and /wasm/*; nothing is loaded from a remote host.
export default defineConfig({
  root: path.join(root, 'demo'),
  publicDir: path.join(root, 'models', 'dist'),
  server: {
    host: '127.0.0.1',
    port: Number(process.env.DEMO_PORT ?? 5173),
    strictPort: true,
    fs: { allow: [root] },
  },
  preview: { host: '127.0.0.1', port: Number(process.env.DEMO_PORT ?? 5173) },
  worker: { format: 'es' },
  build: {
    outDir: path.join(root, 'dist', 'demo'),
    emptyOutDir: true,
    rollupOptions: {
      input: { index: path.join(root, 'demo', 'index.html') },
    },
  },
});
