/**
 * Answers of the verifier's and the matcher's routes that have no home elsewhere in protocol/: the
 * schemas the OpenAPI descriptions are built from and the end-to-end tests check answers against.
 * Where a shape carries free-form parts (an integrator's `details`, quality reports, cluster
 * members), the object is loose: the named fields are checked, extra ones are allowed.
 */
import * as v from 'valibot';
import { VerdictSummarySchema } from './capture-upload.ts';
import { OPERATIONS } from './operations.ts';

/** Bytes in an answer: a CBOR byte string, or base64 text when the answer is JSON. */
export const AnswerBytesSchema = v.union([v.instance(Uint8Array), v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/))]);
const bytes = AnswerBytesSchema;
const unix = v.number();

// ── verifier ───────────────────────────────────────────────────────────────────────────────────

/** GET /v1/sessions/{id} (and each row of GET /v1/sessions, POST …/cancel). */
export const SessionViewSchema = v.looseObject({
  sessionId: v.string(),
  operation: v.picklist(OPERATIONS),
  subject: v.nullish(v.string()),
  /** 1 pending, 2 under review, 3 completed, 4 expired, 5 failed / cancelled */
  status: v.picklist([1, 2, 3, 4, 5]),
  attempts: v.number(),
  failedAttempts: v.number(),
  maxAttempts: v.number(),
  createdAt: unix,
  expiresAt: unix,
  updatedAt: unix,
  summary: v.nullish(VerdictSummarySchema),
  verdict: v.nullish(v.string()),
  evidenceCount: v.number(),
  noFaceAttempts: v.number(),
  message: v.optional(v.string()),
  details: v.optional(v.record(v.string(), v.unknown())),
  card: v.optional(v.string()),
  name: v.optional(v.string()),
  returnUrl: v.optional(v.string()),
});
export const SessionListSchema = v.object({ sessions: v.array(SessionViewSchema) });

/** POST /v1/sessions/{id}/review. */
export const ReviewResponseSchema = v.object({ sessionId: v.string(), status: v.literal(3), verdict: v.string(), response: v.optional(v.picklist([200, 201])) });

/** GET /.well-known/jwks.json: public keys only. */
export const JwksSchema = v.object({
  keys: v.array(v.looseObject({ kty: v.string(), kid: v.string(), alg: v.optional(v.string()), use: v.optional(v.string()) })),
});

/** GET /v1/webhooks/deliveries. */
export const DeliveriesSchema = v.object({
  deliveries: v.array(
    v.object({
      eventId: v.string(),
      sessionId: v.string(),
      status: v.number(),
      state: v.picklist(['pending', 'delivered', 'failed']),
      attempts: v.number(),
      createdAt: unix,
      updatedAt: unix,
      lastError: v.nullable(v.string()),
    }),
  ),
});

/** DELETE /v1/persons/{subject}. */
export const ErasureResponseSchema = v.object({ subject: v.string(), erased: v.literal(true), sessions: v.number(), evidenceFrames: v.number() });
/** GET /v1/persons/erasures. */
export const ErasuresSchema = v.object({
  erasures: v.array(v.object({ seq: v.number(), subject: v.string(), actor: v.string(), at: unix, sessions: v.number(), evidenceFrames: v.number() })),
});
/** PUT /v1/watchlists/{list}/entries/{entry}. */
export const WatchlistStoredSchema = v.object({ list: v.string(), entry: v.string(), stored: v.literal(true) });

/** Admin API: an integrator's configuration as shown (secrets masked). */
export const IntegratorViewSchema = v.looseObject({ id: v.string() });
export const IntegratorListSchema = v.object({ integrators: v.array(IntegratorViewSchema) });
export const IntegratorReadSchema = v.object({ integrator: IntegratorViewSchema, updatedAt: v.optional(unix) });
export const IntegratorWrittenSchema = v.object({ integrator: IntegratorViewSchema, changes: v.number() });
export const IntegratorChangesSchema = v.object({ changes: v.array(v.looseObject({ at: unix, actor: v.string() })) });

// ── matcher ────────────────────────────────────────────────────────────────────────────────────

const DuplicateSchema = v.object({ id: v.string(), similarity: v.number(), score: v.number() });

/** PUT /persons/{id}: 201 created, 200 replaced. */
export const EnrolResultSchema = v.object({
  id: v.string(),
  created: v.boolean(),
  templates: v.number(),
  /** per image: the ICAO checks and their outcome */
  quality: v.array(v.unknown()),
  duplicates: v.array(DuplicateSchema),
});

/** GET /persons/{id}: the person object as stored (PUT(GET(x)) round-trips). */
export const StoredPersonSchema = v.object({
  images: v.array(bytes),
  templates: v.optional(v.array(v.object({ model: v.string(), version: v.string(), dims: v.number(), dtype: v.string(), data: bytes }))),
  galleries: v.array(v.string()),
  metadata: v.unknown(),
});

/** GET /persons/{id}/record. */
export const PersonRecordSchema = v.object({
  id: v.string(),
  galleries: v.array(v.string()),
  quality: v.array(v.unknown()),
  duplicates: v.array(v.unknown()),
  images: v.number(),
  updatedAt: unix,
  templates: v.array(v.looseObject({ model: v.string(), version: v.string(), dims: v.number(), dtype: v.string(), source: v.string() })),
});

/** POST /persons/{id}/audit. */
export const AuditResultSchema = v.object({
  id: v.string(),
  found: v.boolean(),
  templates: v.number(),
  recomputed: v.number(),
  staleTemplates: v.number(),
  quality: v.array(v.unknown()),
});

/** GET /status. */
export const MatcherStatusSchema = v.looseObject({
  ready: v.boolean(),
  store: v.object({ kind: v.string(), up: v.boolean() }),
  persons: v.nullable(v.number()),
  cachedPersons: v.number(),
  galleries: v.record(v.string(), v.number()),
  queue: v.looseObject({ depth: v.number(), active: v.number(), concurrency: v.number(), maxQueue: v.number(), rejected: v.number() }),
  models: v.looseObject({ embedding: v.string(), dims: v.number() }),
  cacheLoad: v.object({ templates: v.number(), ms: v.number(), templatesPerSecond: v.number() }),
  cluster: v.looseObject({ self: v.string(), replicationFactor: v.number(), capacity: v.number(), coverage: v.number(), members: v.array(v.looseObject({ id: v.string(), weight: v.number(), live: v.boolean() })) }),
});

/** GET /duplicates. */
export const DuplicatesSchema = v.object({ duplicates: v.array(v.looseObject({})) });

/** POST /cluster/search (a peer's share of a scatter-gather 1:N). */
export const ClusterHitsSchema = v.object({ hits: v.array(v.object({ id: v.string(), similarity: v.number() })) });
