/**
 * The matcher as a cluster (DESIGN.md "Storage and cluster"): 5 matcher processes, RF 2, real etcd
 * for membership and real PostgreSQL as the shared store. Kill -9 nodes and watch capacity and
 * coverage follow; identify refuses a silent partial answer below minCoverage; restarted nodes
 * bring everything back; writes reach other nodes by NOTIFY, or by the rescan when a node does
 * not listen. Persons are enrolled as templates (no images): placement, not extraction, is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLIB_MODEL } from '../matcher/extraction/embed-dlib.ts';
import { coverageOf, ownersOf, type Member } from '../matcher/cluster/placement.ts';
import { FORWARDED_HEADER, NODE_HEADER } from '../matcher/api/forward.ts';
import { call, randomTemplate } from '../matcher/testing/client.ts';
import { startThrowawayEtcd, type ThrowawayEtcd } from '../matcher/testing/etcd-server.ts';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { killHard, spawnMatcher, type SpawnedMatcher } from '../matcher/testing/spawn.ts';

const TOKEN = 'cluster-test-token-000000000001';
const N = 5;
const PERSONS = 240;
const RESCAN_MS = 3000;
let pg: ThrowawayPostgres;
let etcd: ThrowawayEtcd;
const nodes: (SpawnedMatcher | null)[] = [];
const ports: number[] = [];
const ids = Array.from({ length: PERSONS }, (_, i) => `acme:p${i}`);
const tpl = (i: number) => randomTemplate(DLIB_MODEL, 1000 + i);

/** node n1 does not LISTEN: it learns other nodes' writes only from its rescan */
async function startNode(i: number): Promise<SpawnedMatcher> {
  const m = await spawnMatcher({
    MATCHER_STORE: pg.url, MATCHER_API_TOKENS: TOKEN, MATCHER_WORKERS: '0', MATCHER_ETCD: etcd.url, MATCHER_NODE_ID: `n${i}`,
    MATCHER_REPLICATION_FACTOR: '2', MATCHER_RESCAN_MS: String(RESCAN_MS), ...(i === 1 ? { MATCHER_LISTEN: '0' } : {}),
  }, ports[i]);
  nodes[i] = m;
  return m;
}

const alive = () => nodes.filter((n): n is SpawnedMatcher => n !== null);
const members = (): Member[] => ports.map((p, i) => ({ id: `n${i}`, url: `http://127.0.0.1:${p}`, weight: 1 }));

async function status(m: SpawnedMatcher) {
  return (await call(m, 'GET', '/status')).body as { cachedPersons: number; cluster: { capacity: number; coverage: number; replicationFactor: number; members: { id: string; live: boolean }[] } };
}

async function until<T>(fn: () => Promise<T>, ok: (x: T) => boolean, ms: number, describe: (x: T) => string = (x) => JSON.stringify(x).slice(0, 300)): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await fn();
    if (ok(value)) return { value, ms: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`not reached in ${ms} ms: ${describe(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rank1(m: SpawnedMatcher, i: number, minCoverage = 1) {
  const r = await call(m, 'POST', '/identify', { template: tpl(i), maxResults: 3, minCoverage });
  const list = Array.isArray(r.body) ? (r.body as { id: string }[]) : undefined;
  const coverage = r.headers.get('coverage');
  return { status: r.status, top: list?.[0]?.id, coverage: coverage === null ? undefined : Number(coverage), code: r.body?.code as string | undefined };
}

beforeAll(async () => {
  [pg, etcd] = await Promise.all([startThrowawayPostgres(), startThrowawayEtcd()]);
  for (let i = 0; i < N; i++) ports.push(await freePort());
  // one at a time: five model loads at once on 2 cores is slower than in turn
  for (let i = 0; i < N; i++) await startNode(i);
  // every node has seen every other join before enrolment starts
  await until(() => Promise.all(alive().map(status)), (s) => s.every((x) => x.cluster.members.filter((mm) => mm.live).length === N), 15_000, (s) => `live members seen per node ${s.map((x) => x.cluster.members.filter((mm) => mm.live).map((mm) => mm.id).join('+')).join(', ')}`);
  for (const [i, id] of ids.entries()) {
    const r = await call(nodes[i % N]!, 'PUT', `/persons/${id}`, { templates: [tpl(i)] });
    expect(r.status, id).toBe(201);
  }
}, 600_000);

afterAll(async () => {
  for (const n of alive()) await killHard(n.child);
  await etcd?.stop();
  pg?.stop();
});

describe('matcher cluster: 5 nodes, RF 2, etcd + PostgreSQL', () => {
  it('every node is ready with capacity 1 and coverage 1; each person is cached on exactly 2 nodes', async () => {
    // the last enrolments reach their owners by NOTIFY, or the rescan for n1 (its rescan, then its
    // load; on a slow hour of the CI machine that took over 3 s past the period once: the timed
    // criteria are the tests below, this one waits for the state they start from)
    const { value } = await until(() => Promise.all(alive().map(status)), (s) => s.reduce((a, x) => a + x.cachedPersons, 0) === 2 * PERSONS, RESCAN_MS + 10_000, (s) => `cached per node ${s.map((x) => x.cachedPersons).join(', ')} (want a sum of ${2 * PERSONS})`);
    for (const s of value) expect(s.cluster).toMatchObject({ capacity: 1, coverage: 1, replicationFactor: 2 });
    for (const n of alive()) expect((await call(n, 'GET', '/cluster-ready')).status).toBe(200);
    // placement follows the weights: 2 × 240 / 5 = 96 per node on average
    for (const s of value) expect(s.cachedPersons).toBeGreaterThan(50);
  });

  it('identify through any node scatters and finds every person at rank 1', async () => {
    for (const [i] of ids.entries()) {
      const r = await rank1(nodes[(i * 7) % N]!, i);
      expect(r, ids[i]).toMatchObject({ status: 200, top: ids[i], coverage: 1 });
    }
  });

  it('a write on one node is visible to identify on every other node within 2 s (NOTIFY)', async () => {
    const i = PERSONS + 1;
    // a person whose owners both listen (n1 learns only from its rescan)
    let k = i;
    while (ownersOf(`acme:p${k}`, members(), 2).includes('n1')) k++;
    const id = `acme:p${k}`;
    expect((await call(nodes[0]!, 'PUT', `/persons/${id}`, { templates: [tpl(k)] })).status).toBe(201);
    const seen = await Promise.all([2, 3, 4].map((j) => until(() => rank1(nodes[j]!, k), (r) => r.top === id, 2000)));
    console.log(`write → identify on other nodes: ${seen.map((s) => s.ms).join(', ')} ms`);
  });

  it('a node that misses the notification has the write within one rescan period', async () => {
    let k = PERSONS + 50;
    while (!ownersOf(`acme:p${k}`, members(), 2).includes('n1')) k++;
    const id = `acme:p${k}`;
    // written by n0 itself (marked as already forwarded, so it does not hand the write to an owner)
    expect((await call(nodes[0]!, 'PUT', `/persons/${id}`, { templates: [tpl(k)] }, { headers: { [FORWARDED_HEADER]: 'test' } })).status).toBe(201);
    // n1's own share, asked directly with only itself live: it answers once its cache has the person
    const q = tpl(k).data;
    const share = () => call(nodes[1]!, 'POST', '/cluster/search', { gallery: 'default', q, k: 3, live: ['n1'] }).then((r) => (r.body.hits as { id: string }[]).map((h) => h.id));
    const { ms } = await until(share, (h) => h.includes(id), RESCAN_MS + 1500);
    console.log(`write → non-listening owner by rescan: ${ms} ms (rescan period ${RESCAN_MS} ms)`);
  });

  it('1:1 verify and enrolment run on the first live owner of the person, whichever node receives them', async () => {
    for (let i = 0; i < 20; i++) {
      const owner = ownersOf(ids[i], members(), 2)[0];
      const via = nodes.findIndex((n, j) => n && `n${j}` !== owner);
      const r = await call(nodes[via]!, 'POST', `/persons/${ids[i]}/verify`, { templates: [tpl(i)] });
      expect(r.status, ids[i]).toBe(200);
      expect(r.headers.get(NODE_HEADER), ids[i]).toBe(owner);
      expect(r.body as number).toBeGreaterThan(50);
    }
    const k = PERSONS + 200;
    const owner = ownersOf(`acme:p${k}`, members(), 2)[0];
    const via = nodes.findIndex((n, j) => n && `n${j}` !== owner);
    const put = await call(nodes[via]!, 'PUT', `/persons/acme:p${k}`, { templates: [tpl(k)] });
    expect(put.status).toBe(201);
    expect(put.headers.get(NODE_HEADER)).toBe(owner);
    expect((await call(nodes[via]!, 'DELETE', `/persons/acme:p${k}`)).status).toBe(204);
  });

  it('identify (extraction-bound work) is spread over the live nodes by weight, and answers the same', async () => {
    const by = new Map<string, number>();
    for (let j = 0; j < 60; j++) {
      const i = (j * 11) % PERSONS;
      const r = await call(nodes[0]!, 'POST', '/identify', { template: tpl(i), maxResults: 3 });
      expect(r.status).toBe(200);
      expect((r.body as { id: string }[])[0].id).toBe(ids[i]);
      const node = r.headers.get(NODE_HEADER)!;
      by.set(node, (by.get(node) ?? 0) + 1);
    }
    console.log(`60 identify requests sent to n0 ran on: ${[...by].sort().map(([n, c]) => `${n} ${c}`).join(', ')}`);
    // equal weights: 12 each on average; every node takes a share, none takes most
    expect(by.size).toBe(N);
    for (const c of by.values()) expect(c).toBeLessThan(30);
  });

  it('kill -9: capacity and coverage follow within 3 s; below minCoverage identify answers 503; restarted nodes bring it all back', async () => {
    await killHard(nodes[4]!.child);
    nodes[4] = null;
    // at once, before the probes may have noticed: a 1:1 for a person whose first owner was n4
    // still answers (the receiving node leaves n4 out and runs it, or sends it to the next owner)
    const j = ids.findIndex((id) => ownersOf(id, members(), 2)[0] === 'n4');
    const v = await call(nodes[2]!, 'POST', `/persons/${ids[j]}/verify`, { templates: [tpl(j)] });
    expect(v.status).toBe(200);
    expect(v.headers.get(NODE_HEADER)).not.toBe('n4');
    const one = await until(() => status(nodes[0]!), (s) => s.cluster.capacity < 1, 3000);
    expect(one.value.cluster.capacity).toBeCloseTo(0.8, 5);
    expect(one.value.cluster.coverage).toBe(1);
    console.log(`kill n4: capacity 0.8 after ${one.ms} ms, coverage ${one.value.cluster.coverage}`);
    expect((await call(nodes[0]!, 'GET', '/cluster-ready?capacity=0.8&coverage=1')).status).toBe(200);
    expect((await call(nodes[0]!, 'GET', '/cluster-ready')).status).toBe(503);
    for (let i = 0; i < PERSONS; i += 7) expect((await rank1(nodes[2]!, i)).top).toBe(ids[i]);

    await killHard(nodes[3]!.child);
    nodes[3] = null;
    const two = await until(() => status(nodes[0]!), (s) => s.cluster.capacity < 0.8, 3000);
    expect(two.value.cluster.capacity).toBeCloseTo(0.6, 5);
    // the measured share of persons with a live owner, from the placement function over the store's ids
    const persons = (await call(nodes[0]!, 'GET', '/status')).body.cluster.persons as number;
    const live = new Set(['n0', 'n1', 'n2']);
    // the store also holds the two persons of the write tests above
    expect(persons).toBe(PERSONS + 2);
    const measured = coverageOf(ids, members(), 2, live);
    console.log(`kill n3: capacity 0.6 after ${two.ms} ms, coverage ${two.value.cluster.coverage} (enrolled ids alone: ${measured.toFixed(3)})`);
    expect(two.value.cluster.coverage).toBeLessThan(1);
    expect(Math.abs(two.value.cluster.coverage - measured)).toBeLessThan(0.02);
    // every remaining node has seen it (each probes its peers on its own schedule)
    await until(() => Promise.all(alive().map(status)), (st) => st.every((x) => Math.abs(x.cluster.capacity - 0.6) < 1e-9), 3000);
    const refused = await rank1(nodes[0]!, 0, 1);
    expect(refused).toMatchObject({ status: 503, code: 'COVERAGE_TOO_LOW' });
    // with minCoverage 0.8 the answer comes, with the coverage it reached; persons with a live owner are found
    let found = 0;
    for (let i = 0; i < PERSONS; i++) {
      const r = await rank1(nodes[1]!, i, 0.8);
      expect(r.status).toBe(200);
      expect(r.coverage).toBeCloseTo(two.value.cluster.coverage, 5);
      const owned = ownersOf(ids[i], members(), 2).some((o) => live.has(o));
      if (owned) expect(r.top, ids[i]).toBe(ids[i]);
      if (r.top === ids[i]) found++;
    }
    expect(found / PERSONS).toBeCloseTo(measured, 5);

    await startNode(3);
    await startNode(4);
    const back = await until(() => Promise.all(alive().map(status)), (s) => s.every((x) => x.cluster.capacity === 1 && x.cluster.coverage === 1), 15_000);
    console.log(`restart n3, n4: capacity 1 and coverage 1 on every node after ${back.ms} ms`);
    for (let i = 0; i < PERSONS; i++) expect((await rank1(nodes[i % N]!, i)).top, ids[i]).toBe(ids[i]);
  });

  it('no acknowledged enrolment is lost: 200 PUTs to a node killed -9 while they arrive are all found afterwards', async () => {
    const target = nodes[2]!;
    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const base = 10_000;
    const worker = async () => {
      while (next < 200) {
        const i = base + next++;
        try {
          const r = await call(target, 'PUT', `/persons/acme:p${i}`, { templates: [tpl(i)] });
          if (r.status === 201 || r.status === 200) acked.push(i);
        } catch { /* the node died under this request: not acknowledged */ }
        if (!killed && acked.length >= 60) {
          killed = true;
          await killHard(target.child);
          nodes[2] = null;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    console.log(`PUTs acknowledged before the kill: ${acked.length} of 200`);
    expect(acked.length).toBeGreaterThanOrEqual(60);
    await startNode(2);
    await until(() => Promise.all(alive().map(status)), (st) => st.every((x) => x.cluster.capacity === 1 && x.cluster.coverage === 1), 15_000);
    // the writer died before announcing some of them: the rescan brings those to their owners
    await until(async () => (await Promise.all(acked.map((i) => rank1(nodes[i % N]!, i)))).filter((r, j) => r.top !== `acme:p${acked[j]}`).length, (missing) => missing === 0, RESCAN_MS + 3000);
    for (const i of acked) expect((await call(nodes[(i + 1) % N]!, 'GET', `/persons/acme:p${i}`)).status, `acme:p${i}`).toBe(200);
  });
});
