/**
 * The real matcher (SQLite, models on this thread) and the real verifier on Node, wired together
 * with the test integrators (edge-verifier/testing/test-config.ts) in a temporary folder: the
 * set-up every cross-service test that posts pre-made captures shares.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSigningKey } from '../../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../../edge-verifier/node.ts';
import type { Target } from '../../edge-verifier/testing/negative-corpus.ts';
import { testConfig } from '../../edge-verifier/testing/test-config.ts';
import { startMatcher, type RunningMatcher } from '../../matcher/server.ts';
import { freePort } from './ports.ts';

export interface RealServices {
  dir: string;
  matcher: RunningMatcher;
  verifier: RunningVerifier;
  /** the `acme` integrator (and `strict`) as the negative corpus's helpers address them */
  acme: Target;
  close(): Promise<void>;
}

type BaseConfig = ReturnType<typeof testConfig>;

export interface RealServicesOptions {
  /** temporary folder prefix */
  prefix: string;
  /** the verifier's issuer (default: its own URL, as in a deployment) */
  issuer?: string;
  webhookUrl?: string;
  /** changes to the test config (integrators, tokens, …) */
  config?: (base: BaseConfig) => Record<string, unknown>;
}

export async function startRealServices(o: RealServicesOptions): Promise<RealServices> {
  const dir = mkdtempSync(path.join(tmpdir(), o.prefix));
  const matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true, workers: 0 });
  const key = await generateSigningKey();
  const port = o.issuer ? 0 : await freePort();
  const issuer = o.issuer ?? `http://127.0.0.1:${port}`;
  const base = testConfig({ issuer, signingKeys: [key], matcherUrl: matcher.url, webhookUrl: o.webhookUrl });
  const config = { ...base, ...(o.config?.(base) ?? {}), matcherToken: matcher.token, matcherTimeoutMs: 60_000 };
  const verifier = await startVerifier({ port, env: {}, dbPath: path.join(dir, 'verifier.db'), config });
  const acme: Target = { fetch: (p, i) => fetch(verifier.url + p, i), issuer, signingKey: key, apiKey: 'acme-test-key-0001', strictApiKey: 'strict-test-key-0001' };
  return {
    dir,
    matcher,
    verifier,
    acme,
    close: async () => {
      await verifier.close();
      await matcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
