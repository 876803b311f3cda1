/** Spawns `matcher/server.ts` as its own process (kill -9 and fuzz tests need a real process). */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnedMatcher {
  url: string;
  /** the bearer token it accepts: the first of MATCHER_API_TOKENS, generated here when env has none */
  token: string;
  child: ChildProcess;
  stderr: () => string;
}

export async function spawnMatcher(env: Record<string, string>, port: number): Promise<SpawnedMatcher> {
  const tokens = env.MATCHER_API_TOKENS ?? randomBytes(32).toString('base64url');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'matcher', 'server.ts')], {
    cwd: ROOT, env: { ...process.env, ...env, MATCHER_API_TOKENS: tokens, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => { err = (err + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`matcher exited early (${child.exitCode}): ${err}`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`matcher not ready in time: ${err}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, token: tokens.split(',')[0].trim(), child, stderr: () => err };
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
