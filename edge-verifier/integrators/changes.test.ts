import { describe, expect, it } from 'vitest';
import { diffIntegrator, fingerprint, integratorView } from './changes.ts';

const base = { id: 'acme', apiKey: 'acme-key-00000001', origins: ['https://a.example'], maxAttempts: 4, liveness: { enabled: true, version: '2.0' as const } };

describe('integrator change log rows', () => {
  it('one row per changed top-level field, old and new as JSON; unchanged and reordered values give none', async () => {
    expect(await diffIntegrator(base, { ...base })).toEqual([]);
    expect(await diffIntegrator(base, { ...base, liveness: { version: '2.0', enabled: true } })).toEqual([]);
    expect(await diffIntegrator(base, { ...base, maxAttempts: 2, webhookUrl: 'https://h.example/x' })).toEqual([
      { field: 'maxAttempts', old: '4', new: '2' },
      { field: 'webhookUrl', old: null, new: '"https://h.example/x"' },
    ]);
    expect(await diffIntegrator(null, base)).toHaveLength(Object.keys(base).length);
  });

  it('secrets appear only as fingerprints, in the log and in views', async () => {
    const rows = await diffIntegrator(base, { ...base, apiKey: 'acme-key-00000002', webhookSecret: 'a-webhook-secret-0001' });
    expect(rows.map((r) => r.field)).toEqual(['apiKey', 'webhookSecret']);
    expect(JSON.stringify(rows)).not.toMatch(/acme-key-0000000|a-webhook-secret/);
    expect(rows[0].old).toBe(JSON.stringify(await fingerprint('acme-key-00000001')));
    expect(rows[0].old).not.toBe(rows[0].new);
    const view = await integratorView({ ...base, webhookSecret: 'a-webhook-secret-0001' });
    expect(view.apiKey).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(view.webhookSecret).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(view.maxAttempts).toBe(4);
  });
});
