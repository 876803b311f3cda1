// Writes both services' OpenAPI 3.1 descriptions to docs/openapi/ (what GET /openapi.json serves).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifierOpenApi } from '../edge-verifier/openapi.ts';
import { matcherOpenApi } from '../matcher/api/openapi.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'openapi');
for (const [name, doc] of [['verifier', verifierOpenApi()], ['matcher', matcherOpenApi()]] as const) {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`${path.relative(process.cwd(), file)}: ${Object.keys(doc.paths as object).length} paths`);
}
