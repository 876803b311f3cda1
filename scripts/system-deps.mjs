// System packages the tests need (Debian): Chromium for browser tests, ffmpeg to make fake-camera
// clips, PostgreSQL for the store tests, etcd for the matcher cluster tests, promtool (prometheus) to check both services' metrics. Installed with apt when missing and running as root;
// otherwise a clear error — browser tests are never skipped silently.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const NEEDS = [
  { pkg: 'chromium', file: '/usr/lib/chromium/chromium' },
  { pkg: 'ffmpeg', file: '/usr/bin/ffmpeg' },
  { pkg: 'postgresql', file: '/usr/lib/postgresql/15/bin/initdb' },
  { pkg: 'etcd-server', file: '/usr/bin/etcd' },
  { pkg: 'prometheus', file: '/usr/bin/promtool' },
  // the Python verdict check in docs/integration.md (e2e/verdict-python.test.ts)
  { pkg: 'python3-jwt', file: '/usr/lib/python3/dist-packages/jwt/__init__.py' },
  { pkg: 'python3-cryptography', file: '/usr/lib/python3/dist-packages/cryptography/__init__.py' },
];

export function ensureSystemDeps() {
  const missing = NEEDS.filter((n) => !existsSync(n.file));
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => m.pkg);
  if (process.getuid?.() !== 0) {
    console.error(`missing system packages: ${pkgs.join(', ')}. Install them with: sudo apt-get install -y ${pkgs.join(' ')}`);
    process.exit(1);
  }
  console.log(`installing ${pkgs.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  const still = NEEDS.filter((n) => !existsSync(n.file));
  if (still.length) {
    console.error(`apt-get finished but these are still missing: ${still.map((s) => s.file).join(', ')}`);
    process.exit(1);
  }
}
