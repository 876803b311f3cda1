// Runs `<part>/<kind>/index.ts` for every part that has one (bench or eval), in a fixed order,
// passing the command-line arguments through. Each prints its own table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = ['web-component', 'edge-verifier', 'matcher'];

export function runParts(kind, args) {
  let failed = 0;
  let ran = 0;
  for (const part of PARTS) {
    const entry = path.join(root, part, kind, 'index.ts');
    if (!existsSync(entry)) continue;
    ran++;
    console.log(`\n## ${kind}: ${part}\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.error(`${kind} for ${part} failed (exit ${r.status})`);
    }
  }
  if (ran === 0) console.log(`no ${kind} entries found`);
  return failed === 0 ? 0 : 1;
}
