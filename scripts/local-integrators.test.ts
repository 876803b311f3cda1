import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { IntegratorSchema } from '../edge-verifier/config.ts';
import { addIntegrator, checkOrigin, readLocalIntegrators, removeIntegrator, writeLocalIntegrators } from './local-integrators.mjs';

describe('local integrators (npm run integrator)', () => {
  it('adds an integrator the verifier accepts, with a fresh API key, and replaces it by id', () => {
    const a = addIntegrator([], { id: 'shop', origins: ['http://localhost:3000/'], returnUrls: ['http://localhost:3000/done'], webhookUrl: 'http://localhost:3000/hook' });
    expect(a.apiKey).toMatch(/^lk_[A-Za-z0-9_-]{32}$/);
    expect(a.entry.origins).toEqual(['http://localhost:3000']);
    expect(v.safeParse(IntegratorSchema, a.entry).success).toBe(true);
    const b = addIntegrator(a.list, { id: 'shop', origins: ['https://shop.example'] });
    expect(b.list).toHaveLength(1);
    expect(b.apiKey).not.toBe(a.apiKey);
    expect(removeIntegrator(b.list, 'shop')).toEqual([]);
  });

  it('refuses what the verifier would refuse, with a message', () => {
    expect(() => addIntegrator([], { id: 'demo', origins: ['http://x.example'] })).toThrow(/demo's own/);
    expect(() => addIntegrator([], { id: 'a.b', origins: ['http://x.example'] })).toThrow(/--id/);
    expect(() => addIntegrator([], { id: 'shop', origins: [] })).toThrow(/at least one/);
    expect(() => addIntegrator([], { id: 'shop', origins: ['http://x.example/page'] })).toThrow(/no path/);
    expect(checkOrigin('ftp://x.example')).toMatch(/http or https/);
  });

  it('keeps the list in a file only its owner can read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lk-integrators-'));
    try {
      const file = path.join(dir, 'sub', 'integrators.json');
      expect(readLocalIntegrators(file)).toEqual([]);
      const { list } = addIntegrator([], { id: 'shop', origins: ['http://localhost:3000'] });
      writeLocalIntegrators(file, list);
      expect(readLocalIntegrators(file)).toEqual(list);
      expect(statSync(file).mode & 0o077).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
