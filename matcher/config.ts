import * as v from 'valibot';
import { DEFAULT_QUALITY_THRESHOLDS } from './extraction/quality.ts';

/**
 * The matcher's whole configuration: one validated object. Every field has a documented default;
 * `configFromEnv` reads the few deployment knobs from the environment.
 */
export const ConfigSchema = v.strictObject({
  /** TCP port (0 = ephemeral) */
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 8788),
  /** listen address: loopback unless deployed behind a proxy */
  host: v.optional(v.string(), '127.0.0.1'),
  /** `sqlite:PATH` (embedded default) or `postgres://…` */
  store: v.optional(v.pipe(v.string(), v.regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/)), 'sqlite:.data/matcher/matcher.db'),
  /** extraction/search jobs running at once; the rest wait in FIFO order */
  concurrency: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64)), 2),
  /** waiting jobs beyond which requests get 503 OVERLOADED + Retry-After */
  maxQueue: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)), 64),
  /** seconds sent in Retry-After on 503 */
  retryAfterSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600)), 2),
  /** largest request body (bytes) */
  maxBodyBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(64 * 1024 * 1024)), 10 * 1024 * 1024),
  /** identify: default number of candidates */
  defaultMaxResults: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 10),
  /** identify: default minimum score (−100…+100) for a candidate; +1 = better than FAR 1% */
  defaultIdentifyThreshold: v.optional(v.pipe(v.number(), v.minValue(-100), v.maxValue(100)), 1),
  /** enrolment de-duplication: other persons at or above this score are recorded as duplicates (+50 ≈ FAR 0.1%) */
  duplicateThreshold: v.optional(v.pipe(v.number(), v.minValue(-100), v.maxValue(100)), 50),
  /** POST /liveness: `live` when the PAD is live and its liveness reaches this (0–100; the model's operating point is 50) */
  livenessThreshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), 50),
  /** POST /liveness: run the COCO detector on the `best` evidence frame (screen-object context signal) */
  padObjects: v.optional(v.boolean(), true),
  /**
   * bearer tokens accepted on every route but /live and /ready (constant-time compared). Empty:
   * `startMatcher` generates one random token for the process (RunningMatcher.token).
   */
  apiTokens: v.optional(v.array(v.pipe(v.string(), v.minLength(16), v.maxLength(256))), []),
  /** extraction/PAD worker threads (0 = run the models on the HTTP thread; tests that share one extractor) */
  workers: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(32)), 1),
  /** a queued job that has waited this long is answered 503 OVERLOADED instead of running (ms) */
  queueTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(600_000)), 20_000),
  /** largest decoded image (width × height, from the header, before decoding) */
  maxImagePixels: v.optional(v.pipe(v.number(), v.integer(), v.minValue(64 * 64), v.maxValue(100_000_000)), 4_000_000),
  /** galleries that may exist at once (the default gallery excluded); empty ones are freed */
  maxGalleries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)), 256),
  /**
   * compact index: no float32 copy of the templates in RAM (1 byte per dimension instead of 5),
   * the top candidates re-ranked on their int8 rows (matcher/README.md: the top-10 it changes)
   */
  compactIndex: v.optional(v.boolean(), false),
  /**
   * cluster mode (docs/cluster.md): membership on etcd, PostgreSQL as the shared store. Absent:
   * a cluster of one with whatever store is configured, as before.
   */
  cluster: v.optional(
    v.strictObject({
      /** etcd client URLs */
      etcd: v.pipe(v.array(v.pipe(v.string(), v.url())), v.minLength(1)),
      /** this node's id (stable across restarts: placement is keyed on it) */
      nodeId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/)),
      /** the URL peers reach this node at (default http://HOST:PORT once listening) */
      url: v.optional(v.pipe(v.string(), v.url())),
      /** share of persons and heavy work (> 0) */
      weight: v.optional(v.pipe(v.number(), v.minValue(0.01), v.maxValue(1000)), 1),
      /** nodes caching each person */
      replicationFactor: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)), 2),
      /** full rescan period (ms): bounds any missed change notification */
      rescanMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(3_600_000)), 30_000),
      /** LISTEN for other nodes' writes (false: the rescan alone brings them) */
      listen: v.optional(v.boolean(), true),
      /** etcd lease TTL (s) */
      leaseTtlS: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60)), 1),
      /** key prefix of this cluster in etcd */
      prefix: v.optional(v.pipe(v.string(), v.regex(/^\/[A-Za-z0-9_./-]{1,128}$/)), '/liveness-kit/matcher'),
    }),
  ),
  /** ICAO-style reference-image quality thresholds (reported, not enforced) */
  quality: v.optional(
    v.strictObject({
      minInterEyePx: v.number(), maxYaw: v.number(), maxPitch: v.number(), maxRoll: v.number(),
      minExposure: v.number(), maxExposure: v.number(), minSharpness: v.number(), minEyeOpenness: v.number(),
    }),
    DEFAULT_QUALITY_THRESHOLDS,
  ),
});

export type MatcherConfigInput = v.InferInput<typeof ConfigSchema>;
export type MatcherConfig = v.InferOutput<typeof ConfigSchema>;

/** Validates a partial config and fills the defaults; throws with the offending path on error. */
export function resolveConfig(input: MatcherConfigInput = {}): MatcherConfig {
  const r = v.safeParse(ConfigSchema, input);
  if (!r.success) {
    const i = r.issues[0];
    throw new Error(`invalid matcher config at ${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
  }
  return r.output;
}

/**
 * MATCHER_STORE, PORT, HOST, MATCHER_CONCURRENCY, MATCHER_MAX_QUEUE, MATCHER_API_TOKENS (comma-separated), MATCHER_WORKERS;
 * cluster: MATCHER_ETCD (comma-separated), MATCHER_NODE_ID, MATCHER_NODE_URL, MATCHER_NODE_WEIGHT,
 * MATCHER_REPLICATION_FACTOR, MATCHER_RESCAN_MS, MATCHER_LISTEN (0 = off), MATCHER_ETCD_PREFIX.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): MatcherConfig {
  const input: MatcherConfigInput = {};
  if (env.MATCHER_STORE) input.store = env.MATCHER_STORE;
  if (env.PORT) input.port = Number(env.PORT);
  if (env.HOST) input.host = env.HOST;
  if (env.MATCHER_CONCURRENCY) input.concurrency = Number(env.MATCHER_CONCURRENCY);
  if (env.MATCHER_MAX_QUEUE) input.maxQueue = Number(env.MATCHER_MAX_QUEUE);
  if (env.MATCHER_API_TOKENS) input.apiTokens = env.MATCHER_API_TOKENS.split(',').map((x) => x.trim()).filter(Boolean);
  if (env.MATCHER_WORKERS) input.workers = Number(env.MATCHER_WORKERS);
  if (env.MATCHER_COMPACT_INDEX) input.compactIndex = env.MATCHER_COMPACT_INDEX === '1';
  if (env.MATCHER_ETCD) {
    input.cluster = {
      etcd: env.MATCHER_ETCD.split(',').map((x) => x.trim()).filter(Boolean),
      nodeId: env.MATCHER_NODE_ID ?? '',
      ...(env.MATCHER_NODE_URL ? { url: env.MATCHER_NODE_URL } : {}),
      ...(env.MATCHER_NODE_WEIGHT ? { weight: Number(env.MATCHER_NODE_WEIGHT) } : {}),
      ...(env.MATCHER_REPLICATION_FACTOR ? { replicationFactor: Number(env.MATCHER_REPLICATION_FACTOR) } : {}),
      ...(env.MATCHER_RESCAN_MS ? { rescanMs: Number(env.MATCHER_RESCAN_MS) } : {}),
      ...(env.MATCHER_LISTEN === '0' ? { listen: false } : {}),
      ...(env.MATCHER_ETCD_PREFIX ? { prefix: env.MATCHER_ETCD_PREFIX } : {}),
    };
  }
  return resolveConfig(input);
}
