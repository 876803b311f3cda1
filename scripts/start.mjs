// `npm start`: the whole demo on embedded defaults — matcher (embedded store), edge verifier
// (Node) and the demo site (vite). Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = [];

function startService(name, entry, env) {
  const file = path.join(root, entry);
  if (!existsSync(file)) return;
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, sig) => {
    if (!stopping) {
      console.error(`${name} exited (${code ?? sig}); stopping the demo`);
      stop(1);
    }
  });
  children.push(child);
  console.log(`${name}: starting (${entry})`);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const MATCHER_PORT = process.env.MATCHER_PORT ?? '8788';
const VERIFIER_PORT = process.env.VERIFIER_PORT ?? '8787';
startService('matcher', 'matcher/server.ts', { PORT: MATCHER_PORT });
startService('verifier', 'edge-verifier/node.ts', { PORT: VERIFIER_PORT, MATCHER_URL: `http://127.0.0.1:${MATCHER_PORT}` });

const demo = await createServer({ configFile: path.join(root, 'vite.config.ts') });
await demo.listen();
const addr = demo.httpServer.address();
console.log(`\ndemo ready: http://127.0.0.1:${addr.port}/  (verifier :${VERIFIER_PORT}, matcher :${MATCHER_PORT})`);
