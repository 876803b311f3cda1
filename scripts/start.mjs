// `npm start`: the whole demo on embedded defaults — matcher (embedded store), edge verifier
// (Node), the demo site with its integrator backend (vite + /demo-api/), and a second origin for
// the iframe host page. Prints `demo ready: <url>` once every service answers. Ctrl-C stops everything.
//
// Environment (all optional):
//   DEMO_PORT (5173)  HOST_PORT (DEMO_PORT+1)  VERIFIER_PORT (8787)  MATCHER_PORT (8788)
//   MATCHER_URL       use a matcher already running there instead of starting one
//   MATCHER_TOKEN     bearer token for the matcher (default: a random one, given to both the
//                     matcher we start and the verifier; needed with MATCHER_URL)
//   DEMO_DATA_DIR     (.data) embedded stores: <dir>/matcher/matcher.db, <dir>/verifier/
//   DEMO_API_KEY, DEMO_WEBHOOK_SECRET   the demo integrator's credentials (demo defaults)
//   START_TIMEOUT_MS  (180000) how long to wait for the services before giving up
// Your own pages: `npm run integrator -- add --id shop --origin http://localhost:3000` registers an
// integrator in <DEMO_DATA_DIR>/integrators.json; every start seeds those beside the demo's.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { readLocalIntegrators } from './local-integrators.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

const DEMO_PORT = Number(env.DEMO_PORT ?? 5173);
const HOST_PORT = Number(env.HOST_PORT ?? DEMO_PORT + 1);
const VERIFIER_PORT = Number(env.VERIFIER_PORT ?? 8787);
const MATCHER_PORT = Number(env.MATCHER_PORT ?? 8788);
const DATA_DIR = path.resolve(root, env.DEMO_DATA_DIR ?? '.data');
const START_TIMEOUT_MS = Number(env.START_TIMEOUT_MS ?? 180_000);
const API_KEY = env.DEMO_API_KEY ?? 'demo-key';
const PHOTO_API_KEY = env.DEMO_PHOTO_API_KEY ?? 'demo-photo-key';
const WEBHOOK_SECRET = env.DEMO_WEBHOOK_SECRET ?? 'demo-webhook-secret-change-me';

const demoUrl = `http://127.0.0.1:${DEMO_PORT}`;
const hostUrl = `http://127.0.0.1:${HOST_PORT}`;
const verifierUrl = `http://127.0.0.1:${VERIFIER_PORT}`;
const externalMatcher = env.MATCHER_URL;
const matcherUrl = externalMatcher ?? `http://127.0.0.1:${MATCHER_PORT}`;
// the matcher refuses every caller without this token; never printed
const matcherToken = env.MATCHER_TOKEN ?? randomBytes(32).toString('base64url');
const returnUrl = `${demoUrl}/return.html`;

// The demo integrator, registered for the ports actually in use (the verifier's built-in default
// only knows 5173/5174) and pointing its webhooks at the demo backend.
const integrator = {
  id: 'demo',
  apiKey: API_KEY,
  origins: [demoUrl, `http://localhost:${DEMO_PORT}`, hostUrl],
  returnUrls: [returnUrl, `http://localhost:${DEMO_PORT}/return.html`],
  webhookUrl: `${demoUrl}/demo-api/webhooks`,
  webhookSecret: WEBHOOK_SECRET,
};

// the single-image product (BioDoc Liveness 1.0) is a separate integrator configuration
const photoIntegrator = { id: 'demo-photo', apiKey: PHOTO_API_KEY, origins: [demoUrl], liveness: { enabled: true, version: '1.0' } };

// integrators registered for this machine with `npm run integrator -- add …` (your own pages)
const localIntegrators = readLocalIntegrators(path.join(DATA_DIR, 'integrators.json'));

const children = [];
let stopping = false;

function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

function fail(message) {
  console.error(`\nnpm start failed: ${message}`);
  stop(1);
}

function startService(name, entry, childEnv) {
  const file = path.join(root, entry);
  if (!existsSync(file)) {
    console.warn(`${name}: ${entry} is missing; not started`);
    return false;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, sig) => {
    if (!stopping) fail(`${name} exited (${code ?? sig})`);
  });
  children.push(child);
  console.log(`${name}: starting (${entry})`);
  return true;
}

/** Polls `url` until it answers 200, or throws after the deadline naming what did not come up. */
async function waitFor(name, url, deadline) {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e?.cause?.code ?? e?.name ?? 'error';
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready at ${url} within ${START_TIMEOUT_MS / 1000}s (last: ${last})`);
}

/**
 * The second origin (HOST_PORT): the same site seen from another origin, as a third-party page
 * embedding the capture iframe. It never exposes the integrator backend.
 */
function startHostOrigin() {
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/demo-api')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND","message":"not here"}');
      return;
    }
    const up = http.request(
      { host: '127.0.0.1', port: DEMO_PORT, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(up);
  });
  // vite's HMR websocket
  server.on('upgrade', (req, socket, head) => {
    const up = net.connect(DEMO_PORT, '127.0.0.1', () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(HOST_PORT, '127.0.0.1', () => resolve(server));
  });
}

const deadline = Date.now() + START_TIMEOUT_MS;
const waits = [];
/** Awaited after vite starts; the no-op catch keeps an early failure from being an unhandled rejection. */
function track(p) {
  p.catch(() => undefined);
  waits.push(p);
}

if (!externalMatcher) {
  if (startService('matcher', 'matcher/server.ts', { PORT: String(MATCHER_PORT), MATCHER_STORE: `sqlite:${path.join(DATA_DIR, 'matcher', 'matcher.db')}`, MATCHER_API_TOKENS: matcherToken })) {
    track(waitFor('matcher', `${matcherUrl}/ready`, deadline));
  }
} else {
  console.log(`matcher: using ${externalMatcher}`);
}
if (
  startService('verifier', 'edge-verifier/node.ts', {
    PORT: String(VERIFIER_PORT),
    MATCHER_URL: matcherUrl,
    MATCHER_TOKEN: matcherToken,
    VERIFIER_ISSUER: verifierUrl,
    VERIFIER_DATA_DIR: path.join(DATA_DIR, 'verifier'),
    VERIFIER_INTEGRATORS: JSON.stringify([integrator, photoIntegrator, ...localIntegrators]),
    // the demo integrator's origins follow this run's ports: its seed replaces the stored one
    VERIFIER_SEED_MODE: 'overwrite',
  })
) {
  track(waitFor('verifier', `${verifierUrl}/.well-known/jwks.json`, deadline));
}

// the demo backend (vite plugin, demo/server/) reads these when the dev server starts
Object.assign(process.env, {
  DEMO_VERIFIER_URL: verifierUrl,
  DEMO_VERIFIER_ISSUER: verifierUrl,
  DEMO_INTEGRATOR_ID: integrator.id,
  DEMO_API_KEY: API_KEY,
  DEMO_PHOTO_API_KEY: PHOTO_API_KEY,
  DEMO_WEBHOOK_SECRET: WEBHOOK_SECRET,
  DEMO_RETURN_URL: returnUrl,
  DEMO_HOST_ORIGIN: hostUrl,
});

try {
  const demo = await createServer({ configFile: path.join(root, 'vite.config.ts'), server: { port: DEMO_PORT, strictPort: true } });
  await demo.listen();
  await startHostOrigin();
  await Promise.all(waits);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

console.log(`
demo ready: ${demoUrl}/  (verifier ${verifierUrl}, matcher ${matcherUrl})
  pages: index · enrol · verify · identify · update · photo · react-demo · console · camera  (.html)
  iframe host page (second origin): ${hostUrl}/host.html${localIntegrators.length ? `
  your integrators (npm run integrator -- list): ${localIntegrators.map((i) => i.id).join(', ')}` : ''}`);
