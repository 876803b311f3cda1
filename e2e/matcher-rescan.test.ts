/**
 * The cluster's rescan (matcher/cluster/node.ts) on a node that does not LISTEN and has not seen a
 * single person yet: the first write it learns of by rescan must reach its cache. (Its first rescan
 * once took an empty list of known persons for a start-up and recorded the ids without caching
 * them: the owner never had the person until it changed again.) Two nodes, RF 2: both own everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { FORWARDED_HEADER } from '../matcher/api/forward.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { startThrowawayEtcd, type ThrowawayEtcd } from '../matcher/testing/etcd-server.ts';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { killHard, spawnMatcher, type SpawnedMatcher } from '../matcher/testing/spawn.ts';

const TOKEN = 'rescan-test-token-0000000000001';
const RESCAN_MS = 1500;
let pg: ThrowawayPostgres;
let etcd: ThrowawayEtcd;
const nodes: SpawnedMatcher[] = [];

beforeAll(async () => {
  [pg, etcd] = await Promise.all([startThrowawayPostgres(), startThrowawayEtcd()]);
  for (const i of [0, 1]) {
    nodes.push(await spawnMatcher({
      MATCHER_STORE: pg.url, MATCHER_API_TOKENS: TOKEN, MATCHER_WORKERS: '0', MATCHER_ETCD: etcd.url, MATCHER_NODE_ID: `n${i}`,
      MATCHER_REPLICATION_FACTOR: '2', MATCHER_RESCAN_MS: String(RESCAN_MS), ...(i === 1 ? { MATCHER_LISTEN: '0' } : {}),
    }, await freePort()));
  }
}, 300_000);

afterAll(async () => {
  for (const n of nodes) await killHard(n.child);
  await etcd?.stop();
  pg?.stop();
});

describe('cluster rescan', () => {
  it('a node that has seen no person yet caches the first one it learns of by rescan', async () => {
    // both nodes live and the store empty; n1 has recorded no person
    const t0 = Date.now();
    while (((await call(nodes[0], 'GET', '/status')).body as { cluster: { members: { live: boolean }[] } }).cluster.members.filter((m) => m.live).length < 2) {
      if (Date.now() - t0 > 20_000) throw new Error('the two nodes did not both go live');
      await new Promise((r) => setTimeout(r, 100));
    }
    // let n1's timer run a rescan or two over the empty store first
    await new Promise((r) => setTimeout(r, RESCAN_MS * 2));
    const tpl = randomTemplate(DLIB_MODEL, 7);
    // written by n0 itself (marked as already forwarded); n1 does not listen: only its rescan tells it
    expect((await call(nodes[0], 'PUT', '/persons/acme:first', { templates: [tpl] }, { headers: { [FORWARDED_HEADER]: 'test' } })).status).toBe(201);
    const share = async () => ((await call(nodes[1], 'POST', '/cluster/search', { gallery: 'default', q: tpl.data, k: 3, live: ['n1'] })).body.hits as { id: string }[]).map((h) => h.id);
    const t1 = Date.now();
    let hits: string[] = [];
    // two rescan periods, and three more: a rescan that recorded the id without caching it never brings it
    while (Date.now() - t1 < RESCAN_MS * 5) {
      hits = await share();
      if (hits.includes('acme:first')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`first write → non-listening owner with no person yet: ${hits.includes('acme:first') ? `${Date.now() - t1} ms` : 'never'} (rescan period ${RESCAN_MS} ms)`);
    expect(hits).toContain('acme:first');
  }, 60_000);
});
