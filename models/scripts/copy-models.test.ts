import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.resolve(import.meta.dirname, 'copy-models.mjs');
const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', 'manifest.json'), 'utf8'));
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('models step', () => {
  it('copies every manifest file, and fails naming a copied file whose bytes changed', () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'models-'));
    try {
      const first = run('--dest', dest);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain(`${manifest.files.length} files verified`);

      for (const victim of ['models/facemesh.bin', 'wasm/tfjs-backend-wasm-simd.wasm']) {
        const file = path.join(dest, victim);
        const bytes = readFileSync(file);
        bytes[Math.floor(bytes.length / 2)] ^= 0x01; // one byte changed
        writeFileSync(file, bytes);
        const second = run('--dest', dest);
        expect(second.status).toBe(1);
        expect(second.stderr).toContain(victim);
        expect(second.stderr).toContain('sha256 mismatch');
        const repaired = run('--dest', dest, '--repair');
        expect(repaired.status, repaired.stderr).toBe(0);
      }
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it('lists source package, sha256, input, outputs, licence and purpose for every file', () => {
    for (const f of manifest.files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      for (const k of ['input', 'outputs', 'licence', 'purpose', 'dest']) expect(f[k], `${f.dest} ${k}`).toBeTruthy();
      expect(f.source.package).toBeTruthy();
      expect(f.source.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});
