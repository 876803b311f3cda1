/**
 * What the OpenAPI tests share: the routes a Hono app registers (method + pattern; middleware
 * excluded) and the document's own validation as OpenAPI 3.1 (@seriousme/openapi-schema-validator,
 * the official JSON schema of the specification). Test-only: no service imports this.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Hono } from 'hono';
import { openApiPath } from './openapi.ts';

/** `GET /v1/sessions/{id}` lines of every route the app answers. */
export function appRoutes(app: Hono, extra: string[] = []): string[] {
  const out = new Set(extra);
  for (const r of app.routes) if (r.method !== 'ALL') out.add(`${r.method} ${openApiPath(r.path)}`);
  return [...out].sort();
}

/** The same lines from a document's `paths`. */
export function documentedRoutes(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) for (const m of Object.keys(ops)) out.push(`${m.toUpperCase()} ${p}`);
  return out.sort();
}

export async function validateOpenApi(doc: Record<string, unknown>): Promise<{ valid: boolean; errors: string }> {
  const r = await new Validator().validate(structuredClone(doc) as never);
  return { valid: r.valid, errors: r.valid ? '' : JSON.stringify(r.errors).slice(0, 2000) };
}
