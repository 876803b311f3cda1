// profile: cache load of N rows from a throwaway PostgreSQL
import { performance } from 'node:perf_hooks';
import { startThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { openStore } from '../matcher/store/open.ts';
import { createExtractor } from '../matcher/extraction/extractor.ts';
import { MatcherService } from '../matcher/service.ts';
import { resolveConfig } from '../matcher/config.ts';
import { toTemplate } from '../matcher/template.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const pg = await startThrowawayPostgres();
try {
  const extractor = await createExtractor();
  const model = { model: extractor.model, version: extractor.version, dims: extractor.dims };
  const pgc = new (await import('pg')).default.Client({ connectionString: pg.url });
  await pgc.connect();
  const store0 = await openStore(pg.url); await store0.close();
  const v = new Float32Array(model.dims).map(() => Math.random() - 0.5);
  const t = toTemplate(model, v);
  let t0 = performance.now();
  await pgc.query(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at) SELECT 'm-' || i, '["default"]', '{}', '[]', '[]', 0, 0 FROM generate_series(1, $1::int) AS i`, [rows]);
  await pgc.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256) SELECT 'm-' || i, 0, $2, $3, $4, 'f32', $5, 'submitted', NULL, $6 FROM generate_series(1, $1::int) AS i`, [rows, model.model, model.version, model.dims, Buffer.from(t.data), 'x'.repeat(64)]);
  console.log(`fill ${((performance.now() - t0) / 1000).toFixed(1)} s, dims ${model.dims}`);
  await pgc.query('VACUUM ANALYZE');
  for (const sql of ['SELECT id, galleries::text FROM persons', 'SELECT person_id, model, version, dims, dtype, data, source, image_index, sha256 FROM templates', 'SELECT t.person_id, p.galleries::text, t.dtype, t.data FROM templates t JOIN persons p ON p.id = t.person_id']) {
    t0 = performance.now();
    await pgc.query(`COPY (${sql}) TO '/dev/null' (FORMAT binary)`).catch(async () => {
      const { to } = await import('pg-copy-streams');
      let n = 0; for await (const c of pgc.query(to(`COPY (${sql}) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) n += c.length;
      console.log(`  (streamed ${(n / 1e6).toFixed(0)} MB)`);
    });
    console.log(`server COPY: ${((performance.now() - t0) / 1000).toFixed(2)} s  ${sql}`);
  }
  await pgc.end();
  for (let k = 0; k < 2; k++) {
    const s = await openStore(pg.url);
    const svc = new MatcherService(s, extractor, resolveConfig({ compactIndex: true }));
    await svc.loadCache();
    console.log(`loadCache: ${Math.round(svc.loadStats.rate).toLocaleString('en')} templates/s (${(svc.loadStats.ms / 1000).toFixed(2)} s)`);
    await s.close();
  }
} finally { pg.stop(); }
process.exit(0);
