/**
 * OpenAPI 3.1 descriptions built from the same valibot schemas the routes validate with. Each
 * service lists its routes (edge-verifier/openapi.ts, matcher/api/openapi.ts): method, Hono path,
 * auth, request schema and media types, response schemas, the error codes it may answer. The
 * document is served at GET /openapi.json and written to docs/openapi/ (scripts/openapi.ts); the
 * route-coverage test compares it with the routes the app registers, and in the end-to-end tests
 * every answer is checked against its route's response schema (`checkResponse`).
 */
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import type { ErrorCode } from './errors.ts';

export type Media = 'json' | 'cbor' | 'jpeg' | 'png' | 'pdf' | 'text' | 'image';

const MEDIA_TYPE: Record<Media, string> = {
  json: 'application/json',
  cbor: 'application/cbor',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  text: 'text/plain',
  image: 'image/*',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySchema = v.GenericSchema<any, any>;

export interface ResponseSpec {
  description: string;
  /** the body's shape (JSON / CBOR media); absent: an empty body or opaque bytes */
  schema?: AnySchema;
  media?: Media[];
  headers?: Record<string, string>;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** the Hono pattern, as registered (`/v1/sessions/:id`) */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** security scheme names (any one suffices); [] = open */
  auth: string[];
  query?: Record<string, { description: string; schema: AnySchema; required?: boolean }>;
  body?: { schema?: AnySchema; media: Media[]; maxBytes?: number; description?: string };
  responses: Record<number, ResponseSpec>;
  /** error codes this route may answer, besides the service's common ones */
  errors: ErrorCode[];
}

export interface ApiSpec {
  title: string;
  version: string;
  description: string;
  securitySchemes: Record<string, Record<string, unknown>>;
  routes: RouteSpec[];
  /** codes any route may answer (auth, limits, temporary faults) */
  commonErrors: ErrorCode[];
  /** the status a code is answered with (the matcher folds everything into 400 / 401 / 503) */
  statusOf(code: ErrorCode): number;
  /** the error body's schema */
  errorSchema: AnySchema;
  /** the media types every error body comes in (a property of the service, not of a route) */
  errorMedia: Media[];
}

/** Bytes: a CBOR byte string; in JSON, base64. */
const BYTES: JsonSchema = { type: 'string', contentEncoding: 'base64', description: 'bytes (a CBOR byte string; base64 in JSON)' };

/** JSON Schema 2020-12 of a valibot schema (what OpenAPI 3.1 embeds). */
export function jsonSchemaOf(schema: AnySchema): JsonSchema {
  const out = toJsonSchema(schema, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
    overrideSchema: (ctx) => {
      const s = ctx.valibotSchema as { type: string; class?: unknown; options?: { type: string; class?: unknown }[] };
      if (s.type === 'instance' && s.class === Uint8Array) return BYTES;
      // bytes or their base64 text (an answer in CBOR or JSON): one binary string either way
      if (s.type === 'union' && s.options?.some((o) => o.type === 'instance' && o.class === Uint8Array)) return BYTES;
      if (s.type === 'custom') return {};
      return undefined;
    },
  }) as Record<string, unknown>;
  delete out.$schema;
  return out as JsonSchema;
}

/** `/v1/sessions/:id` → `/v1/sessions/{id}`. */
export const openApiPath = (honoPath: string): string => honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function content(media: Media[], schema?: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(media.map((m) => [MEDIA_TYPE[m], schema && (m === 'json' || m === 'cbor') ? { schema } : m === 'text' ? { schema: { type: 'string' } } : { schema: { type: 'string', format: 'binary' } }]));
}

/** The OpenAPI 3.1 document of a service. */
export function openApiDocument(spec: ApiSpec): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorJson = jsonSchemaOf(spec.errorSchema);
  for (const r of spec.routes) {
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', maxLength: 128 } }));
    const query = Object.entries(r.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: q.required ?? false, description: q.description, schema: jsonSchemaOf(q.schema) }));
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const media = res.media ?? (res.schema ? ['json'] : []);
      responses[status] = {
        description: res.description,
        ...(media.length ? { content: content(media, res.schema ? jsonSchemaOf(res.schema) : undefined) } : {}),
        ...(res.headers ? { headers: Object.fromEntries(Object.entries(res.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
      };
    }
    // the error answers, one per status, each listing its codes
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of [...new Set([...r.errors, ...spec.commonErrors])]) {
      const st = spec.statusOf(code);
      byStatus.set(st, [...(byStatus.get(st) ?? []), code]);
    }
    for (const [st, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      if (responses[st]) continue;
      codes.sort();
      responses[st] = {
        description: `${st >= 500 || st === 429 ? 'temporary; retry after `Retry-After` seconds' : 'permanent'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
        content: content(spec.errorMedia, { ...errorJson, properties: { ...(errorJson as { properties?: object }).properties, code: { type: 'string', enum: codes } } } as JsonSchema),
      };
    }
    const op: Record<string, unknown> = {
      operationId: `${r.method}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      security: r.auth.map((a) => ({ [a]: [] })),
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              description: [r.body.description, r.body.maxBytes ? `At most ${r.body.maxBytes} bytes (refused while streaming: 400 BODY_TOO_LARGE).` : ''].filter(Boolean).join(' '),
              content: content(r.body.media, r.body.schema ? jsonSchemaOf(r.body.schema) : undefined),
            },
          }
        : {}),
      responses,
    };
    (paths[openApiPath(r.path)] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: spec.title, version: spec.version, description: spec.description, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    components: { securitySchemes: spec.securitySchemes },
    tags: [...new Set(spec.routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
  };
}

/** The route a request matched, by method and Hono pattern. */
export function routeFor(spec: ApiSpec, method: string, honoPath: string): RouteSpec | undefined {
  const m = method.toLowerCase();
  return spec.routes.find((r) => r.method === m && r.path === honoPath);
}

/**
 * Whether an answer agrees with its route's description: a documented status, a body of the
 * documented shape, an error code the route lists. Answers a message when it does not.
 */
export function checkResponse(spec: ApiSpec, route: RouteSpec, status: number, body: unknown, hasBody: boolean): string | null {
  const res = route.responses[status];
  if (res) {
    if (!res.schema) return null;
    const r = v.safeParse(res.schema, body);
    return r.success ? null : `${status} body does not match: ${r.issues.slice(0, 3).map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('; ')}`;
  }
  if (status < 400) return `status ${status} is not documented`;
  if (!hasBody) return `${status} without an error body`;
  const e = v.safeParse(spec.errorSchema, body);
  if (!e.success) return `${status} error body does not match: ${e.issues[0].message}`;
  const code = (body as { code: ErrorCode }).code;
  if (!route.errors.includes(code) && !spec.commonErrors.includes(code)) return `error code ${code} is not listed for this route`;
  if (spec.statusOf(code) !== status) return `error code ${code} answered with ${status}, documented ${spec.statusOf(code)}`;
  return null;
}
