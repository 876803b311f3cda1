/**
 * A private throwaway PostgreSQL server for tests (TOOLCHAIN.md recipe): initdb into a temp dir,
 * pg_ctl as the postgres user, 127.0.0.1 on a random free port. Installs Debian's postgresql when
 * the binaries are missing and we are root; otherwise fails loudly — never skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ThrowawayPostgres {
  url: string;
  /** SIGKILL the whole server process tree (crash simulation) */
  kill(): void;
  start(): void;
  stop(): void;
}

function findBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

function ensureBinaries(): string {
  let bin = findBin();
  if (bin) return bin;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin) and we are not root: run `apt-get install -y postgresql`');
  execFileSync('apt-get', ['install', '-y', 'postgresql'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  bin = findBin();
  if (!bin) throw new Error('apt-get install postgresql did not provide /usr/lib/postgresql/*/bin');
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = ensureBinaries();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'matcher-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const asPg = (cmd: string, args: string[]) => {
    const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { encoding: 'utf8' }) : spawnSync(path.join(bin, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout || '').slice(0, 500)}`);
  };
  asPg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const start = () => asPg('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start']);
  start();
  const pids = () => {
    const r = spawnSync('pgrep', ['-f', `-D ${data}`], { encoding: 'utf8' });
    const main = (r.stdout || '').split('\n').filter(Boolean).map(Number);
    const kids = main.flatMap((p) => (spawnSync('pgrep', ['-P', String(p)], { encoding: 'utf8' }).stdout || '').split('\n').filter(Boolean).map(Number));
    return [...main, ...kids];
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    kill() {
      for (const p of pids()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      rmSync(path.join(data, 'postmaster.pid'), { force: true });
    },
    stop() {
      try { asPg('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
