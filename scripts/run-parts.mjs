// Runs `<part>/<kind>/index.ts` and `<part>/<sub>/<kind>/index.ts` for every part that has them
// (bench or eval), in a fixed order, passing the command-line arguments through. Each prints its
// own table.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = ['web-component', 'edge-verifier', 'pad', 'matcher'];

/** `argsFor` may return per-entry arguments that replace a `--json FILE` pair in `args`. */
export function runParts(kind, args, argsFor) {
  let failed = 0;
  let ran = 0;
  const entries = [];
  for (const part of PARTS) {
    const dir = path.join(root, part);
    if (!existsSync(dir)) continue;
    entries.push(path.join(part, kind, 'index.ts'));
    for (const sub of readdirSync(dir, { withFileTypes: true })) {
      if (sub.isDirectory()) entries.push(path.join(part, sub.name, kind, 'index.ts'));
    }
  }
  for (const rel of entries) {
    const entry = path.join(root, rel);
    if (!existsSync(entry)) continue;
    ran++;
    const part = path.dirname(path.dirname(rel));
    console.log(`\n## ${kind}: ${part}\n`);
    let entryArgs = args;
    if (argsFor) {
      const j = args.indexOf('--json');
      entryArgs = [...args.slice(0, j), ...args.slice(j + 2), ...argsFor()];
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...entryArgs], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      console.error(`${kind} for ${part} failed (exit ${r.status})`);
    }
  }
  if (ran === 0) console.log(`no ${kind} entries found`);
  return failed === 0 ? 0 : 1;
}
