// `npm test`: every test, browser ones included. Order: system deps → models check →
// typecheck → unit tests → end-to-end tests (real Chromium, workerd, PostgreSQL, HTTP).
import { spawnSync } from 'node:child_process';
import { ensureSystemDeps } from './system-deps.mjs';

function step(name, cmd, args) {
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (r.status !== 0) {
    console.error(`\n${name} FAILED (exit ${r.status}, ${secs} s)`);
    process.exit(r.status ?? 1);
  }
  console.log(`${name}: ok (${secs} s)`);
}

const extra = process.argv.slice(2);
ensureSystemDeps();
step('models (sha256 check)', process.execPath, ['models/scripts/copy-models.mjs']);
step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
step('unit tests', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', ...extra]);
step('end-to-end tests (Chromium, workerd, PostgreSQL)', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'e2e', ...extra]);
