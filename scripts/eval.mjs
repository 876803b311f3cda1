// `npm run eval -- [--data DIR] [--json FILE]`: every part's evaluation on ../shared/fixtures or
// on any directory with a manifest.json in the same format. With --json, each part writes its own
// section (e.g. "pad", "match") and the sections are merged into FILE.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runParts } from './run-parts.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

const args = process.argv.slice(2);
const j = args.indexOf('--json');
const d = args.indexOf('--data');
if (d >= 0) {
  const dir = args[d + 1];
  if (!dir || !existsSync(path.join(dir, 'manifest.json'))) {
    console.error(`--data needs a directory with a manifest.json (got ${dir ?? 'nothing'})`);
    process.exit(2);
  }
  args[d + 1] = path.resolve(dir);
}
// like `npm test`: the browser parts need Chromium and ffmpeg (installed with apt when missing)
ensureSystemDeps();
if (j < 0) process.exit(runParts('eval', args));

const out = path.resolve(args[j + 1] ?? 'eval.json');
let n = 0;
const parts = [];
const code = runParts('eval', args, () => {
  const file = `${out}.part${n++}.json`;
  parts.push(file);
  return ['--json', file];
});
const merged = {};
for (const file of parts) {
  if (!existsSync(file)) continue;
  Object.assign(merged, JSON.parse(readFileSync(file, 'utf8')));
  rmSync(file);
}
writeFileSync(out, JSON.stringify(merged, null, 2) + '\n');
console.log(`\nwrote ${out} (${Object.keys(merged).join(', ') || 'empty'})`);
process.exit(code);
