import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRoutes, documentedRoutes, validateOpenApi } from '../protocol/openapi-check.ts';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { generateSigningKey } from './keys/demo-key.ts';
import { KeyRing } from './keys/key-ring.ts';
import { verifierOpenApi } from './openapi.ts';
import type { MatcherClient } from './matcher/client.ts';
import type { VerifierStore } from './store/types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe("the verifier's OpenAPI description", () => {
  it('validates as OpenAPI 3.1', async () => {
    const r = await validateOpenApi(verifierOpenApi());
    expect(r.errors).toBe('');
    expect(r.valid).toBe(true);
    // the check can fail: no info, a response without a description
    expect((await validateOpenApi({ openapi: '3.1.0', paths: { '/x': { get: { responses: { 200: {} } } } } })).valid).toBe(false);
  });

  it('describes every route the app registers, and no other', async () => {
    const config = parseConfig({ signingKeys: [await generateSigningKey()], integrators: [{ id: 'a', apiKey: 'a-key-000000000000', origins: ['https://a.example'] }] });
    const app = createApp({ config, store: {} as VerifierStore, matcher: {} as MatcherClient, keys: new KeyRing(config.signingKeys) });
    // the Node entry adds GET /metrics (edge-verifier/node.ts)
    const registered = appRoutes(app, ['GET /metrics']);
    expect(registered.length).toBeGreaterThanOrEqual(20);
    expect(documentedRoutes(verifierOpenApi())).toEqual(registered);
  });

  it('docs/openapi/verifier.json is current (npm run openapi)', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi/verifier.json'), 'utf8'))).toEqual(verifierOpenApi());
  });

  it('names the media types, limits, error codes and auth of a route', () => {
    const doc = verifierOpenApi() as { paths: Record<string, Record<string, any>> };
    const capture = doc.paths['/v1/captures'].post;
    expect(Object.keys(capture.requestBody.content)).toEqual(['application/cbor']);
    expect(capture.requestBody.description).toMatch(/At most \d+ bytes/);
    expect(capture.responses['400'].content['application/json'].schema.properties.code.enum).toContain('CAPTURE_TOKEN_INVALID');
    expect(capture.responses['200'].content['application/json'].schema.properties.status.enum).toEqual([1, 2, 3, 4, 5]);
    const create = doc.paths['/v1/sessions'].post;
    expect(create.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    expect(create.responses['401'].content['application/json'].schema.properties.code.enum).toContain('UNAUTHORIZED');
    expect(create.responses['503'].description).toMatch(/temporary/);
  });
});
