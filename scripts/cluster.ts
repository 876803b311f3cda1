/**
 * `npm run cluster -- --nodes 5 --rf 2 [--port 9100]`: a local matcher cluster on loopback for
 * trying it out, tests and benchmarks — a throwaway PostgreSQL (the shared store), a throwaway
 * etcd (membership) and N matcher processes (`matcher/server.ts` with MATCHER_ETCD set), node i on
 * port BASE+i. Prints the URLs and the bearer token; Ctrl-C stops everything and deletes the data.
 */
import { randomBytes } from 'node:crypto';
import { startThrowawayEtcd } from '../matcher/testing/etcd-server.ts';
import { startThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { killHard, spawnMatcher, type SpawnedMatcher } from '../matcher/testing/spawn.ts';

const args = process.argv.slice(2);
const arg = (name: string, d: number) => {
  const i = args.indexOf(name);
  const x = i >= 0 ? Number(args[i + 1]) : d;
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer`);
  return x;
};
const nodes = arg('--nodes', 3);
const rf = arg('--rf', 2);
const base = arg('--port', 9100);
const token = process.env.MATCHER_API_TOKENS ?? randomBytes(24).toString('base64url');

const pg = await startThrowawayPostgres();
const etcd = await startThrowawayEtcd();
const running: SpawnedMatcher[] = [];
const stop = async () => {
  for (const n of running) await killHard(n.child);
  await etcd.stop();
  pg.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
try {
  for (let i = 0; i < nodes; i++) {
    running.push(await spawnMatcher({
      MATCHER_STORE: pg.url, MATCHER_API_TOKENS: token, MATCHER_ETCD: etcd.url, MATCHER_NODE_ID: `n${i}`,
      MATCHER_REPLICATION_FACTOR: String(rf), MATCHER_WORKERS: process.env.MATCHER_WORKERS ?? '0',
    }, base + i));
    console.log(`node n${i}: ${running[i].url}`);
  }
} catch (e) {
  console.error(`cluster failed to start: ${e instanceof Error ? e.message : String(e)}`);
  await stop();
}
console.log(`
matcher cluster: ${nodes} nodes, replication factor ${rf}
  store    ${pg.url}
  etcd     ${etcd.url}
  token    ${token}   (Authorization: Bearer …)
  status   curl -s -H "authorization: Bearer ${token}" -H "accept: application/json" ${running[0].url}/status
Ctrl-C stops the cluster and deletes its data.`);
