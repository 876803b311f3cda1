import { openPostgresStore } from '../matcher/store/postgres.ts';
import { storeSuite } from '../matcher/store/store.test-suite.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../matcher/testing/postgres-server.ts';

let pg: ThrowawayPostgres | undefined;
storeSuite('postgres', async () => {
  pg = await startThrowawayPostgres();
  return openPostgresStore(pg.url);
}, async () => pg?.stop());
