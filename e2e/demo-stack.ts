/**
 * Shared setup of the demo tests: `npm start` spawned on free loopback ports with a temporary data
 * directory; optionally with an external matcher (MATCHER_URL, MATCHER_TOKEN), e.g. the verifier's fake matcher.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { withComment } from './lib/evidence.ts';
import { ROOT } from './lib/fixtures.ts';
import { freePort } from './lib/ports.ts';

export interface RunningDemo {
  /** demo site, e.g. http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  /** the second origin serving the iframe host page */
  hostUrl: string;
  verifierUrl: string;
  /** everything npm start printed so far */
  output(): string;
  close(): Promise<void>;
}

/** The demo integrator's webhook secret (start.mjs default). */
export const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-change-me';

export async function startDemo(o: { matcherUrl?: string; matcherToken?: string; timeoutMs?: number } = {}): Promise<RunningDemo> {
  const [demo, host, verifier, matcher] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lk-demo-'));
  const proc: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DEMO_PORT: String(demo),
      HOST_PORT: String(host),
      VERIFIER_PORT: String(verifier),
      MATCHER_PORT: String(matcher),
      DEMO_DATA_DIR: dataDir,
      ...(o.matcherUrl ? { MATCHER_URL: o.matcherUrl } : {}),
      ...(o.matcherToken ? { MATCHER_TOKEN: o.matcherToken } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const close = async (): Promise<void> => {
    if (proc.pid && proc.exitCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not report ready:\n${output}`)), o.timeoutMs ?? 150_000);
      const onData = (d: Buffer): void => {
        output += d.toString();
        const m = /demo ready: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${output}`)));
    });
    return { url, hostUrl: `http://127.0.0.1:${host}`, verifierUrl: `http://127.0.0.1:${verifier}`, output: () => output, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A real, decodable JPEG of `file` carrying `marker` in a comment segment (the verifier's fake
 * matcher picks its behaviour from markers in the frame bytes; browsers still display the image).
 */
export async function markedJpeg(file: string, marker: string, width = 240): Promise<Uint8Array> {
  return withComment(new Uint8Array(await sharp(file).resize(width).jpeg({ quality: 80 }).toBuffer()), marker);
}
