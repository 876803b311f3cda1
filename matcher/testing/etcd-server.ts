/**
 * A private throwaway etcd for tests and the local cluster recipe (TOOLCHAIN.md): Debian's
 * etcd-server on loopback, a temp data dir, free ports. Installs the package when missing and we
 * are root; otherwise fails loudly — never skips.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './postgres-server.ts';

const ETCD = '/usr/bin/etcd';

export interface ThrowawayEtcd {
  url: string;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT the server (a stalled etcd: leases expire, requests wait or fail) */
  pause(): void;
  resume(): void;
  /** SIGKILL the server (connections refused); start() runs it again on the same data and ports */
  kill(): Promise<void>;
  start(): Promise<void>;
}

function ensureEtcd(): void {
  if (existsSync(ETCD)) return;
  if (process.getuid?.() !== 0) throw new Error('etcd is missing (/usr/bin/etcd) and we are not root: run `apt-get install -y etcd-server`');
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'etcd-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export async function startThrowawayEtcd(): Promise<ThrowawayEtcd> {
  ensureEtcd();
  const dir = mkdtempSync(path.join(tmpdir(), 'lk-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  /** starts etcd on the data dir and ports (again after a kill) and waits for its health */
  const spawnEtcd = async (): Promise<ChildProcess> => {
    const child = spawn(ETCD, [
      '--name', 'lk', '--data-dir', dir,
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `lk=http://127.0.0.1:${peer}`, '--log-level', 'error',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => { err = (err + d).slice(-2000); });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`etcd exited (${child.exitCode}): ${err}`);
      try {
        if ((await fetch(`${url}/health`)).ok) return child;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`etcd did not start: ${err}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = (c: ChildProcess) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
  let child = await spawnEtcd();
  let down = false;
  return {
    url,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      down = true;
      await kill(child);
    },
    start: async () => {
      child = await spawnEtcd();
      down = false;
    },
    stop: async () => {
      if (!down) await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
