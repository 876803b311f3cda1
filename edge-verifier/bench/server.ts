import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningKey } from '../keys/demo-key.ts';
import { startVerifier } from '../node.ts';
import { startFakeMatcher } from '../testing/fake-matcher.ts';
import { testConfig } from '../testing/test-config.ts';

// Server side of the bench, in its own process so the load generator does not share its event
// loop: the Node verifier (real SQLite store, real HTTP matcher calls to a constant responder) and
// a bare Hono route on the same kind of server.
const matcher = await startFakeMatcher({ constant: true });
const dir = mkdtempSync(path.join(tmpdir(), 'verifier-bench-'));
const cfg = testConfig({ issuer: 'https://verifier.bench', signingKeys: [await generateSigningKey()], matcherUrl: matcher.url });
cfg.rateLimits = { apiKey: { capacity: 1_000_000, refillPerSec: 1_000_000 }, session: { capacity: 1_000, refillPerSec: 1_000 } };
const verifier = await startVerifier({ port: 0, env: {}, dbPath: path.join(dir, 'bench.db'), config: cfg });

const bare = new Hono();
bare.get('/ping', (c) => c.text('pong'));
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

process.send!({ verifierUrl: verifier.url, bareUrl, dir });
process.on('message', async (m: unknown) => {
  if (m !== 'stop') return;
  await verifier.close();
  await matcher.close();
  bareServer.close();
  process.send!('stopped', () => process.exit(0));
});
