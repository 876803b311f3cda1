/**
 * The verifier's OpenAPI 3.1 description: every route the app registers (edge-verifier/app.ts and
 * the Node entry's GET /metrics), built from the protocol's valibot schemas (protocol/openapi.ts).
 * Served at GET /openapi.json; written to docs/openapi/verifier.json by `npm run openapi`.
 */
import * as v from 'valibot';
import {
  CaptureResponseSchema, CaptureUploadSchema, CodeExchangeRequestSchema, CodeExchangeResponseSchema, CreateSessionRequestSchema, CreateSessionResponseSchema,
  ErrorBodySchema, LivenessImageRequestSchema, LivenessImageResponseSchema, MAX_CAPTURE_BODY_BYTES, statusOf, type ErrorCode,
} from '../protocol/index.ts';
import { openApiDocument, type ApiSpec, type RouteSpec } from '../protocol/openapi.ts';
import {
  DeliveriesSchema, ErasureResponseSchema, ErasuresSchema, IntegratorChangesSchema, IntegratorListSchema, IntegratorReadSchema, IntegratorWrittenSchema,
  JwksSchema, ReviewResponseSchema, SessionListSchema, SessionViewSchema, WatchlistStoredSchema,
} from '../protocol/responses.ts';
import { IntegratorSchema } from './config.ts';

const limit = { description: 'rows, newest first (default 100)', schema: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)) };
const json = (schema: v.GenericSchema<any, any>, description: string) => ({ description, schema, media: ['json' as const] });
const API = ['apiKey', 'apiKeyHeader'];
const ADMIN = ['adminKey'];
const SESSION_ERRORS: ErrorCode[] = ['SESSION_NOT_FOUND'];

const routes: RouteSpec[] = [
  { method: 'get', path: '/health', tag: 'service', summary: 'Liveness probe', auth: [], responses: { 200: json(v.object({ ok: v.literal(true) }), 'up') }, errors: [] },
  { method: 'get', path: '/openapi.json', tag: 'service', summary: 'This description', auth: [], responses: { 200: { description: 'OpenAPI 3.1 document', media: ['json'] } }, errors: [] },
  { method: 'get', path: '/metrics', tag: 'service', summary: 'Prometheus metrics (Node entry only)', description: 'Needs `Authorization: Bearer <VERIFIER_METRICS_TOKEN>` when that is configured. See docs/metrics.md.', auth: ['metricsToken'], responses: { 200: { description: 'Prometheus text exposition', media: ['text'] } }, errors: [] },
  { method: 'get', path: '/.well-known/jwks.json', tag: 'tokens', summary: 'Public keys of verdicts and single-image answers (next, current, previous)', auth: [], responses: { 200: json(JwksSchema, 'JWK set') }, errors: [] },
  {
    method: 'post', path: '/v1/sessions', tag: 'sessions', summary: 'Create a capture session', auth: API,
    body: { schema: CreateSessionRequestSchema, media: ['json'], maxBytes: 16 * 1024 },
    responses: { 201: json(CreateSessionResponseSchema, 'the session and the token <liveness-capture> needs') },
    errors: ['MESSAGE_REQUIRED', 'ORIGIN_NOT_ALLOWED', 'RETURN_URL_NOT_ALLOWED', 'LIVENESS_DISABLED'],
  },
  { method: 'get', path: '/v1/sessions', tag: 'sessions', summary: "This integrator's sessions", auth: API, query: { limit }, responses: { 200: json(SessionListSchema, 'newest first') }, errors: [] },
  { method: 'get', path: '/v1/sessions/:id', tag: 'sessions', summary: 'One session (polling)', auth: API, responses: { 200: json(SessionViewSchema, 'status, attempts, summary, verdict') }, errors: SESSION_ERRORS },
  { method: 'post', path: '/v1/sessions/:id/cancel', tag: 'sessions', summary: 'End a pending session (status 4, webhook)', auth: API, responses: { 200: json(SessionViewSchema, 'the ended session') }, errors: [...SESSION_ERRORS, 'SESSION_USED'] },
  {
    method: 'get', path: '/v1/sessions/:id/evidence/:n', tag: 'sessions', summary: 'Evidence frame n of a session under review (status 2)', auth: API,
    responses: { 200: { description: 'the JPEG as uploaded', media: ['jpeg'] } }, errors: SESSION_ERRORS,
  },
  {
    method: 'post', path: '/v1/sessions/:id/review', tag: 'sessions', summary: "An analyst's decision on a session under review", auth: API,
    body: { schema: v.strictObject({ decision: v.picklist(['approve', 'reject']) }), media: ['json'], maxBytes: 1024 },
    responses: { 200: json(ReviewResponseSchema, 'the session completed (status 3) with its new verdict') },
    errors: [...SESSION_ERRORS, 'SESSION_USED', 'REVIEW_EVIDENCE_GONE', 'UPSTREAM_UNAVAILABLE'],
  },
  { method: 'get', path: '/v1/webhooks/deliveries', tag: 'webhooks', summary: "This integrator's webhook events and their delivery state", auth: API, query: { limit }, responses: { 200: json(DeliveriesSchema, 'newest first') }, errors: [] },
  {
    method: 'post', path: '/v1/captures', tag: 'captures', summary: 'Upload a capture (browser; CORS to the session origins)',
    description: 'The capture JWT (signed by the element\'s per-capture key), the session token it answers and the evidence JPEGs. Authenticated by those tokens, not by an API key.',
    auth: [], body: { schema: CaptureUploadSchema, media: ['cbor'], maxBytes: MAX_CAPTURE_BODY_BYTES },
    responses: { 200: json(CaptureResponseSchema, 'a verdict (status 2, 3, 5), or status 1 with `retry` when another capture is needed') },
    errors: [
      'UNSUPPORTED_MEDIA_TYPE', 'ORIGIN_NOT_ALLOWED', 'SESSION_TOKEN_INVALID', 'SESSION_EXPIRED', 'SESSION_USED', 'SESSION_NOT_FOUND', 'CAPTURE_TOKEN_INVALID', 'CAPTURE_SIGNATURE_INVALID',
      'EVIDENCE_HASH_MISMATCH', 'EVIDENCE_MISSING', 'EVIDENCE_DIMENSIONS', 'EVIDENCE_REPLAYED', 'NONCE_MISMATCH', 'NONCE_REUSED', 'CAPTURE_KEY_MISMATCH',
      'ATTEMPTS_EXCEEDED', 'SESSION_CANCELLED', 'UPSTREAM_UNAVAILABLE',
    ],
  },
  {
    method: 'post', path: '/v1/codes/exchange', tag: 'sessions', summary: 'Exchange the one-time result code of the redirect integration', auth: API,
    body: { schema: CodeExchangeRequestSchema, media: ['json'], maxBytes: 4 * 1024 },
    responses: { 200: json(CodeExchangeResponseSchema, 'the session\'s current verdict and summary (once per code)') }, errors: ['CODE_INVALID'],
  },
  {
    method: 'post', path: '/v1/liveness/image', tag: 'single image', summary: 'BioDoc Liveness 1.0: liveness of one photo, with pre-analysis', auth: API,
    description: 'Answered in the Accept-Language language (pt-BR by default). See docs/single-image.md for what one still can and cannot show.',
    body: { schema: LivenessImageRequestSchema, media: ['json', 'cbor'], maxBytes: 11_200_000 + 4096 },
    responses: { 200: json(LivenessImageResponseSchema, 'the steps, the decision and the signed answer (typ liveness-image+jwt)') },
    errors: ['IMAGE_MISSING', 'IMAGE_BASE64_INVALID', 'IMAGE_TOO_LARGE', 'IMAGE_TOO_SMALL', 'IMAGE_UNDECODABLE', 'LIVENESS_DISABLED', 'UNSUPPORTED_MEDIA_TYPE', 'UPSTREAM_UNAVAILABLE'],
  },
  { method: 'delete', path: '/v1/persons/:subject', tag: 'persons', summary: "Erase a person on the holder's request (face, sessions' evidence)", auth: API, responses: { 200: json(ErasureResponseSchema, 'what was erased') }, errors: ['UPSTREAM_UNAVAILABLE'] },
  { method: 'get', path: '/v1/persons/erasures', tag: 'persons', summary: 'The erasure log', auth: API, query: { limit }, responses: { 200: json(ErasuresSchema, 'newest first') }, errors: [] },
  {
    method: 'put', path: '/v1/watchlists/:list/entries/:entry', tag: 'watch lists', summary: 'Add or replace a face on one of the integrator\'s watch lists', auth: API,
    body: { schema: v.strictObject({ image: v.string() }), media: ['json'], maxBytes: 3 * 1024 * 1024, description: '`image`: base64 JPEG or PNG, at most 2 MiB.' },
    responses: { 201: json(WatchlistStoredSchema, 'stored') }, errors: ['WATCHLIST_NOT_FOUND', 'NO_FACE', 'MULTIPLE_FACES', 'IMAGE_UNDECODABLE', 'IMAGE_TOO_LARGE', 'UPSTREAM_UNAVAILABLE'],
  },
  { method: 'delete', path: '/v1/watchlists/:list/entries/:entry', tag: 'watch lists', summary: 'Remove a face from a watch list', auth: API, responses: { 204: { description: 'removed (or was not there)' } }, errors: ['WATCHLIST_NOT_FOUND', 'UPSTREAM_UNAVAILABLE'] },
  { method: 'get', path: '/v1/admin/integrators', tag: 'admin', summary: 'Every integrator (secrets as fingerprints)', auth: ADMIN, responses: { 200: json(IntegratorListSchema, 'the integrators') }, errors: ['AUTH_RATE_LIMITED'] },
  { method: 'get', path: '/v1/admin/integrators/:id', tag: 'admin', summary: "One integrator's configuration", auth: ADMIN, responses: { 200: json(IntegratorReadSchema, 'the integrator') }, errors: ['AUTH_RATE_LIMITED', 'INTEGRATOR_NOT_FOUND'] },
  {
    method: 'put', path: '/v1/admin/integrators/:id', tag: 'admin', summary: 'Create or replace an integrator (secrets left out keep their value)', auth: ADMIN,
    body: { schema: IntegratorSchema, media: ['json'], maxBytes: 64 * 1024, description: 'Optional header `X-Admin-Actor` names the person in the change log.' },
    responses: { 200: json(IntegratorWrittenSchema, 'replaced'), 201: json(IntegratorWrittenSchema, 'created') }, errors: ['AUTH_RATE_LIMITED', 'CONFIG_CHANGED'],
  },
  {
    method: 'patch', path: '/v1/admin/integrators/:id', tag: 'admin', summary: 'Change the fields named (liveness merged field by field)', auth: ADMIN,
    body: { schema: v.partial(IntegratorSchema), media: ['json'], maxBytes: 64 * 1024 },
    responses: { 200: json(IntegratorWrittenSchema, 'changed') }, errors: ['AUTH_RATE_LIMITED', 'CONFIG_CHANGED', 'INTEGRATOR_NOT_FOUND'],
  },
  { method: 'get', path: '/v1/admin/integrators/:id/changes', tag: 'admin', summary: "An integrator's change log", auth: ADMIN, query: { limit }, responses: { 200: json(IntegratorChangesSchema, 'who changed what, when') }, errors: ['AUTH_RATE_LIMITED'] },
];

export const VERIFIER_API: ApiSpec = {
  title: 'liveness-kit edge verifier',
  version: '0.1.0',
  description: 'Sessions, capture upload and verdicts (ES256 JWTs, JWKS), single-image liveness, persons and watch lists, webhooks, admin. Every error is `{code, message}`: 400 permanent, 503 temporary (with Retry-After), plus 401/403/404/409/415/429 where named.',
  securitySchemes: {
    apiKey: { type: 'http', scheme: 'bearer', description: "The integrator's API key as `Authorization: Bearer <key>`" },
    apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: "The integrator's API key" },
    adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key (config `adminKeys`); never an integrator key' },
    metricsToken: { type: 'http', scheme: 'bearer', description: 'VERIFIER_METRICS_TOKEN, when configured' },
  },
  routes,
  commonErrors: ['UNAUTHORIZED', 'RATE_LIMITED', 'AUTH_RATE_LIMITED', 'BODY_TOO_LARGE', 'MALFORMED_BODY', 'SCHEMA_VIOLATION', 'NOT_FOUND', 'INTERNAL', 'STORE_UNAVAILABLE'],
  statusOf,
  errorSchema: ErrorBodySchema,
  // app.onError answers JSON, whatever the route's own media
  errorMedia: ['json'],
};

let cached: Record<string, unknown> | undefined;
/** The document (built once per process). */
export const verifierOpenApi = (): Record<string, unknown> => (cached ??= openApiDocument(VERIFIER_API));
