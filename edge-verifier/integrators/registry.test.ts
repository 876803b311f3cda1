import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { IntegratorRegistry } from './registry.ts';

const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k' };
const seedOf = (origins: string[]) => parseConfig({ signingKeys: [key], integrators: [{ id: 'demo', apiKey: 'demo-key-0001', origins }] }).integrators;

describe('integrator registry: the store is the truth, the configuration a seed', () => {
  it('seeds missing integrators only; a changed seed does not touch a stored one (default mode)', async () => {
    const s = openSqliteStore(':memory:');
    expect((await new IntegratorRegistry(s, seedOf(['http://a.example'])).get('demo'))?.origins).toEqual(['http://a.example']);
    expect((await new IntegratorRegistry(s, seedOf(['http://b.example'])).get('demo'))?.origins).toEqual(['http://a.example']);
    expect((await s.integratorChanges('demo', 10)).map((c) => c.actor)).toEqual(['seed']);
  });

  it("overwrite mode: the seed replaces the stored version and logs each changed field as actor 'seed'", async () => {
    const s = openSqliteStore(':memory:');
    await new IntegratorRegistry(s, seedOf(['http://a.example']), 1000, Date.now, 'overwrite').all();
    const r = new IntegratorRegistry(s, seedOf(['http://b.example']), 1000, Date.now, 'overwrite');
    expect((await r.get('demo'))?.origins).toEqual(['http://b.example']);
    const log = await s.integratorChanges('demo', 10);
    expect(log[0]).toMatchObject({ actor: 'seed', field: 'origins', old: '["http://a.example"]', new: '["http://b.example"]' });
  });

  it('a cached read until invalidated or the cache time passes', async () => {
    const s = openSqliteStore(':memory:');
    let t = 0;
    const r = new IntegratorRegistry(s, seedOf(['http://a.example']), 1000, () => t);
    expect(await r.all()).toHaveLength(1);
    const row = (await s.listIntegrators())[0];
    await s.putIntegrator('other', JSON.stringify({ ...JSON.parse(row.config), id: 'other', apiKey: 'other-key-0001' }), null, 'test', [], 1);
    expect(await r.all()).toHaveLength(1);
    t = 1000;
    expect(await r.all()).toHaveLength(2);
  });
});
