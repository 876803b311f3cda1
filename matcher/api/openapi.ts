/**
 * The matcher's OpenAPI 3.1 description (the ABIS contract of DESIGN.md plus the extensions the
 * routes name), built from the protocol's valibot schemas (protocol/openapi.ts). Served at GET
 * /openapi.json (no token, like /live and /ready); written to docs/openapi/matcher.json by
 * `npm run openapi`. Bodies are CBOR, or JSON when the request asks for it (Accept or Content-Type).
 */
import * as v from 'valibot';
import {
  ErrorBodySchema, IdentifyRequestSchema, LivenessRequestSchema, LivenessResultSchema, MatchObjectSchema, MatcherImageRequestSchema, MatcherImageResultSchema,
  PersonSchema, VerifyPairRequestSchema, VerifyRequestSchema, VerifyResultSchema, statusOf, type ErrorCode,
} from '../../protocol/index.ts';
import { openApiDocument, type ApiSpec, type Media, type RouteSpec } from '../../protocol/openapi.ts';
import { AuditResultSchema, ClusterHitsSchema, DuplicatesSchema, EnrolResultSchema, MatcherStatusSchema, PersonRecordSchema, StoredPersonSchema } from '../../protocol/responses.ts';
import { contractStatus } from './contract-status.ts';

const BOTH: Media[] = ['cbor', 'json'];
const body = (schema: v.GenericSchema<any, any>, description: string) => ({ description, schema, media: BOTH });
const TOKEN = ['bearer'];
const NO_PERSON = { description: 'no such person (empty body, as the contract says)' };
const IMAGE: ErrorCode[] = ['IMAGE_UNDECODABLE', 'IMAGE_TOO_SMALL', 'IMAGE_TOO_LARGE', 'NO_FACE', 'MULTIPLE_FACES', 'FACE_RECORD_INVALID', 'TEMPLATE_MODEL_MISMATCH'];

const routes: RouteSpec[] = [
  { method: 'get', path: '/live', tag: 'health', summary: 'The process is up', auth: [], responses: { 200: { description: 'empty' } }, errors: [] },
  { method: 'get', path: '/ready', tag: 'health', summary: 'This node has loaded its cache and can answer', auth: [], responses: { 200: { description: 'empty' } }, errors: ['NOT_READY'] },
  {
    method: 'get', path: '/cluster-ready', tag: 'health', summary: 'The cluster has the capacity and coverage asked for', auth: TOKEN,
    query: {
      capacity: { description: 'weighted share of ready nodes wanted (default 1)', schema: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) },
      coverage: { description: 'probability each person is cached by a ready node wanted (default 1)', schema: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) },
    },
    responses: { 200: { description: 'empty' } }, errors: ['CLUSTER_NOT_READY'],
  },
  { method: 'get', path: '/status', tag: 'health', summary: 'Store, cache, queue, models, cache load and cluster members', auth: TOKEN, responses: { 200: body(MatcherStatusSchema, 'status') }, errors: [] },
  { method: 'get', path: '/duplicates', tag: 'persons', summary: 'Persons found to share a face at enrolment', auth: TOKEN, responses: { 200: body(DuplicatesSchema, 'duplicate pairs') }, errors: [] },
  { method: 'get', path: '/prometheus', tag: 'health', summary: 'Prometheus metrics (docs/metrics.md)', auth: TOKEN, responses: { 200: { description: 'Prometheus text exposition', media: ['text'] } }, errors: [] },
  { method: 'get', path: '/openapi.json', tag: 'health', summary: 'This description', auth: [], responses: { 200: { description: 'OpenAPI 3.1 document', media: ['json'] } }, errors: [] },
  {
    method: 'put', path: '/persons/:id', tag: 'persons', summary: 'Enrol or replace a person (images and/or templates, galleries, metadata)', auth: TOKEN,
    description: 'Header `quality-policy` (extension): `warn` (default), `reject` or `off` for the ICAO checks.',
    body: { schema: PersonSchema, media: BOTH },
    responses: { 201: body(EnrolResultSchema, 'created'), 200: body(EnrolResultSchema, 'replaced') },
    errors: [...IMAGE, 'QUALITY_REJECTED', 'GALLERY_LIMIT', 'UNSUPPORTED_MEDIA_TYPE', 'OVERLOADED', 'NOT_READY'],
  },
  { method: 'get', path: '/persons/:id', tag: 'persons', summary: 'The person as stored (PUT(GET(x)) round-trips)', auth: TOKEN, responses: { 200: body(StoredPersonSchema, 'the person object'), 404: NO_PERSON }, errors: ['STORED_DATA_CORRUPT'] },
  {
    method: 'get', path: '/persons/:id/images/:n', tag: 'persons', summary: 'One stored image (extension)', auth: TOKEN,
    query: { format: { description: '`iso19794-5`: the image as an ISO/IEC 19794-5 face image record', schema: v.picklist(['iso19794-5']) } },
    responses: { 200: { description: 'the image bytes (JPEG, PNG or a 19794-5 record)', media: ['image'] }, 404: { description: 'no such person or image' } }, errors: [],
  },
  { method: 'get', path: '/persons/:id/record', tag: 'persons', summary: 'What the matcher derived: quality per image, duplicates, templates (extension)', auth: TOKEN, responses: { 200: body(PersonRecordSchema, 'the record'), 404: NO_PERSON }, errors: [] },
  {
    method: 'get', path: '/persons/:id/report.pdf', tag: 'persons', summary: 'Identity report (extension)', auth: TOKEN,
    query: { lang: { description: '`pt-BR` (default) or `en`', schema: v.picklist(['pt-BR', 'en']) } },
    responses: { 200: { description: 'PDF', media: ['pdf'] }, 404: NO_PERSON }, errors: [],
  },
  { method: 'delete', path: '/persons/:id', tag: 'persons', summary: 'Delete a person (no effect when absent)', auth: TOKEN, responses: { 204: { description: 'deleted' } }, errors: [] },
  { method: 'post', path: '/persons/:id/audit', tag: 'persons', summary: 'Recompute templates and quality, resynchronise the caches (extension)', auth: TOKEN, responses: { 200: body(AuditResultSchema, 'what was done') }, errors: ['OVERLOADED'] },
  {
    method: 'post', path: '/persons/:id/verify', tag: 'matching', summary: '1:1: the examined person against the stored one', auth: TOKEN,
    body: { schema: VerifyRequestSchema, media: BOTH },
    responses: { 200: { description: 'one float, the calibrated score −100…+100 (CBOR float, or a JSON number)', schema: v.number(), media: BOTH }, 404: NO_PERSON },
    errors: [...IMAGE, 'OVERLOADED'],
  },
  { method: 'post', path: '/verify', tag: 'matching', summary: '1:1 between two images (extension)', auth: TOKEN, body: { schema: VerifyPairRequestSchema, media: BOTH }, responses: { 200: body(VerifyResultSchema, 'score, band, identity, similarity') }, errors: [...IMAGE, 'OVERLOADED'] },
  {
    method: 'post', path: '/identify', tag: 'matching', summary: '1:N over one or more galleries', auth: TOKEN,
    body: { schema: IdentifyRequestSchema, media: BOTH },
    responses: { 200: { ...body(v.array(MatchObjectSchema), 'matches, best first'), headers: { coverage: 'the coverage this search reached (0–1)' } } },
    errors: [...IMAGE, 'GALLERY_NOT_FOUND', 'COVERAGE_TOO_LOW', 'OVERLOADED'],
  },
  { method: 'post', path: '/cluster/search', tag: 'cluster', summary: "A peer's share of a scatter-gather 1:N (internal)", auth: TOKEN, body: { media: BOTH, description: '`{gallery, q (float32 bytes), k, live}`' }, responses: { 200: body(ClusterHitsSchema, 'this node\'s hits') }, errors: ['NOT_READY'] },
  {
    method: 'post', path: '/liveness', tag: 'liveness', summary: "Server PAD over a capture's evidence frames (extension)", auth: TOKEN,
    body: { schema: LivenessRequestSchema, media: BOTH },
    responses: { 200: body(LivenessResultSchema, 'liveness 0–100, reasons, signals, the frame matched, one-person and challenge checks') },
    errors: [...IMAGE, 'OVERLOADED'],
  },
  {
    method: 'post', path: '/liveness/image', tag: 'liveness', summary: 'Single-image liveness with pre-analysis (extension; the verifier\'s POST /v1/liveness/image)', auth: TOKEN,
    body: { schema: MatcherImageRequestSchema, media: BOTH },
    responses: { 200: body(MatcherImageResultSchema, 'steps, decision, images') },
    errors: [...IMAGE, 'OVERLOADED'],
  },
];

export const MATCHER_API: ApiSpec = {
  title: 'liveness-kit matcher (ABIS)',
  version: '0.1.0',
  description: 'The ABIS contract (DESIGN.md "Matcher"): persons, 1:1, 1:N, health; plus extensions named in each route. Errors are `{code, message}` (CBOR or JSON): 400 permanent, 503 temporary with Retry-After, 401 for a refused token.',
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'one of MATCHER_API_TOKENS' } },
  routes,
  commonErrors: ['STORED_DATA_CORRUPT', 'UNAUTHORIZED', 'BODY_TOO_LARGE', 'MALFORMED_BODY', 'SCHEMA_VIOLATION', 'BAD_REQUEST', 'NOT_FOUND', 'INTERNAL', 'STORE_UNAVAILABLE', 'NOT_READY', 'OVERLOADED', 'UNSUPPORTED_MEDIA_TYPE'],
  statusOf: (code) => contractStatus(statusOf(code)),
  errorSchema: ErrorBodySchema,
  // reply(): CBOR, or JSON when the request asks for it
  errorMedia: BOTH,
};

let cached: Record<string, unknown> | undefined;
export const matcherOpenApi = (): Record<string, unknown> => (cached ??= openApiDocument(MATCHER_API));
