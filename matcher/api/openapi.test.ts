import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRoutes, documentedRoutes, validateOpenApi } from '../../protocol/openapi-check.ts';
import type { MatcherService } from '../service.ts';
import { createApp } from './app.ts';
import { routeByPath } from '../../protocol/openapi-responses.ts';
import { MATCHER_API, matcherOpenApi } from './openapi.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe("the matcher's OpenAPI description", () => {
  it('validates as OpenAPI 3.1', async () => {
    const r = await validateOpenApi(matcherOpenApi());
    expect(r.errors).toBe('');
    expect(r.valid).toBe(true);
  });

  it('describes every route the app registers, and no other', () => {
    // routes are registered without touching the service beyond its configuration
    const svc = { config: { maxBodyBytes: 1 } } as unknown as MatcherService;
    const { app } = createApp(svc, { tokens: ['t'.repeat(32)] });
    const registered = appRoutes(app);
    expect(registered.length).toBeGreaterThanOrEqual(18);
    expect(documentedRoutes(matcherOpenApi())).toEqual(registered);
  });

  it('docs/openapi/matcher.json is current (npm run openapi)', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi/matcher.json'), 'utf8'))).toEqual(matcherOpenApi());
  });

  it('answers in CBOR or JSON, errors folded into 400 / 401 / 503 as the contract says', () => {
    const doc = matcherOpenApi() as { paths: Record<string, Record<string, any>> };
    const identify = doc.paths['/identify'].post;
    expect(Object.keys(identify.requestBody.content)).toEqual(['application/cbor', 'application/json']);
    expect(Object.keys(identify.responses).sort()).toEqual(['200', '400', '401', '503']);
    expect(identify.responses['400'].content['application/cbor'].schema.properties.code.enum).toContain('GALLERY_NOT_FOUND');
    expect(identify.responses['503'].content['application/cbor'].schema.properties.code.enum).toContain('COVERAGE_TOO_LOW');
    expect(doc.paths['/live'].get.security).toEqual([]);
  });

  it('finds the route of a request another node answered (forwarded heavy work) from its path', () => {
    expect(routeByPath(MATCHER_API, 'POST', '/persons/acme:p0/verify')?.path).toBe('/persons/:id/verify');
    expect(routeByPath(MATCHER_API, 'PUT', '/persons/acme:p0')?.path).toBe('/persons/:id');
    expect(routeByPath(MATCHER_API, 'GET', '/persons/acme:p0/verify')).toBeUndefined();
    expect(routeByPath(MATCHER_API, 'GET', '/nope')).toBeUndefined();
  });
});
