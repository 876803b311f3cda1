import { performance } from 'node:perf_hooks';
import { startThrowawayPostgres } from '../matcher/testing/postgres-server.ts';
import { openStore } from '../matcher/store/open.ts';
import { createExtractor } from '../matcher/extraction/extractor.ts';
import { toTemplate } from '../matcher/template.ts';
const rows = Number(process.argv[2] ?? 300000);
const pg = await startThrowawayPostgres();
try {
  const extractor = await createExtractor();
  const model = { model: extractor.model, version: extractor.version, dims: extractor.dims };
  const pgc = new (await import('pg')).default.Client({ connectionString: pg.url });
  await pgc.connect();
  const store0 = await openStore(pg.url); await store0.close();
  const t = toTemplate(model, new Float32Array(model.dims).map(() => Math.random() - 0.5));
  await pgc.query(`INSERT INTO persons (id, galleries, metadata, quality, duplicates, image_count, updated_at) SELECT 'm-' || i, '["default"]', '{}', '[]', '[]', 0, 0 FROM generate_series(1, $1::int) AS i`, [rows]);
  await pgc.query(`INSERT INTO templates (person_id, idx, model, version, dims, dtype, data, source, image_index, sha256) SELECT 'm-' || i, 0, $2, $3, $4, 'f32', $5, 'submitted', NULL, $6 FROM generate_series(1, $1::int) AS i`, [rows, model.model, model.version, model.dims, Buffer.from(t.data), 'x'.repeat(64)]);
  await pgc.end();
  const s = await openStore(pg.url);
  for (let k = 0; k < 2; k++) {
    let inCb = 0; const t0 = performance.now();
    const n = await s.scanTemplates((page) => { const a = performance.now(); let x = 0; for (const r of page) x += r.template.data.length; inCb += performance.now() - a; });
    const ms = performance.now() - t0;
    console.log(`bare scanTemplates: ${n} rows in ${ms.toFixed(0)} ms (${Math.round(n / ms * 1000)}/s); callbacks ${inCb.toFixed(0)} ms`);
  }
  await s.close();
} finally { pg.stop(); }
process.exit(0);
