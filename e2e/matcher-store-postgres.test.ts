import pgmod from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../matcher/store/postgres.ts';
import { storeSuite } from '../matcher/store/store.test-suite.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';

let pg: ThrowawayPostgres | undefined;
storeSuite('postgres', async () => {
  pg = await startThrowawayPostgres();
  return openPostgresStore(pg.url);
}, async () => pg?.stop());

describe('postgres schema', () => {
  it('five stores opening at once on an empty database all create the schema (no catalogue race)', async () => {
    const server = await startThrowawayPostgres();
    try {
      for (let round = 0; round < 3; round++) {
        const c = new pgmod.Client({ connectionString: server.url });
        await c.connect();
        await c.query('DROP TABLE IF EXISTS person_events, images, templates, persons CASCADE');
        await c.end();
        const opened = await Promise.allSettled(Array.from({ length: 5 }, () => openPostgresStore(server.url)));
        const failed = opened.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
        for (const r of opened) if (r.status === 'fulfilled') await r.value.close();
        expect(failed).toEqual([]);
      }
    } finally {
      server.stop();
    }
  }, 60_000);
});
