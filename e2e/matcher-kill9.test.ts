/**
 * Durability: 200 acknowledged PUTs, kill -9 right after the last acknowledgement, restart:
 * every person is there and identify finds each at rank 1. On both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { killHard, spawnMatcher } from '../matcher/testing/spawn.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-kill9-'));
let pgServer: ThrowawayPostgres | undefined;
afterAll(() => { pgServer?.stop(); rmSync(tmp, { recursive: true, force: true }); });

const stores: { name: string; spec: () => Promise<string> }[] = [
  { name: 'sqlite', spec: async () => `sqlite:${path.join(tmp, 'k.db')}` },
  { name: 'postgres', spec: async () => (pgServer ??= await startThrowawayPostgres()).url },
];

describe.each(stores)('kill -9 after 200 acknowledged PUTs ($name)', ({ spec }) => {
  it('keeps all 200 persons, found by identify after restart', async () => {
    const store = await spec();
    const N = 200;
    const first = await spawnMatcher({ MATCHER_STORE: store }, await freePort());
    const acked: number[] = [];
    try {
      // 8 in flight at a time; the kill comes the moment the 200th acknowledgement arrives
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          const r = await call(first, 'PUT', `/persons/k-${i}`, { templates: [randomTemplate(DLIB_MODEL, 1000 + i)], metadata: { i } });
          expect(r.status, r.body?.message).toBe(201);
          acked.push(i);
          if (acked.length === N) first.child.kill('SIGKILL');
        }
      }));
    } finally {
      await killHard(first.child);
    }
    expect(acked).toHaveLength(N);

    const second = await spawnMatcher({ MATCHER_STORE: store }, await freePort());
    try {
      const st = await call(second, 'GET', '/status');
      expect(st.body.persons).toBe(N);
      expect(st.body.galleries.default).toBe(N);
      for (let i = 0; i < N; i++) {
        const g = await call(second, 'GET', `/persons/k-${i}`);
        expect(g.status).toBe(200);
        const r = await call(second, 'POST', '/identify', { template: randomTemplate(DLIB_MODEL, 1000 + i), maxResults: 1 });
        expect(r.body[0]?.id).toBe(`k-${i}`);
      }
    } finally {
      await killHard(second.child);
    }
  });
});
