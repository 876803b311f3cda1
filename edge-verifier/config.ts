import * as v from 'valibot';
import { KitError, parseReturnUrl } from '../protocol/index.ts';

/**
 * The verifier's one config object, validated at start. Every threshold and limit lives here.
 * Sources: `VERIFIER_*` / `MATCHER_URL` environment variables (Node) or bindings (Workers).
 */

const url = v.pipe(v.string(), v.url(), v.maxLength(256));
/** a return URL: http(s) or a custom-scheme deep link, never javascript:, data:, file: … (protocol/return-url.ts) */
const returnUrl = v.pipe(v.string(), v.maxLength(256), v.check((x) => parseReturnUrl(x) !== null, 'not an allowed return URL (absolute scheme://…, no script, local or internal scheme)'));
const posInt = v.pipe(v.number(), v.integer(), v.minValue(1));

/** A private ES256 signing key; `nbf` (unix s) = starts signing, `exp` = no longer published. */
export const SigningKeySchema = v.object({
  kty: v.literal('EC'),
  crv: v.literal('P-256'),
  x: v.string(),
  y: v.string(),
  d: v.string(),
  kid: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  nbf: v.optional(v.number()),
  exp: v.optional(v.number()),
});
export type SigningKey = v.InferOutput<typeof SigningKeySchema>;

export const IntegratorSchema = v.object({
  /** also the integrator's namespace in the matcher (person ids `<id>:<subject>`, gallery `tenant.<id>`) */
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/)),
  apiKey: v.pipe(v.string(), v.minLength(8), v.maxLength(256)),
  origins: v.pipe(v.array(url), v.maxLength(16)),
  returnUrls: v.optional(v.pipe(v.array(returnUrl), v.maxLength(16)), []),
  webhookUrl: v.optional(url),
  webhookSecret: v.optional(v.pipe(v.string(), v.minLength(16))),
  /** manager mode (opt-in): failed attempts after which the next capture is accepted without biometry (0 = never) */
  managerModeAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  /** attempts per session, manager-mode attempt included */
  maxAttempts: v.optional(posInt, 6),
  /**
   * client-reported camera risk reasons that send an otherwise approved capture to review
   * (status 2). Risk signals never raise a score; this only decides whether they block.
   */
  reviewOnRisk: v.optional(v.pipe(v.array(v.picklist(['CAMERA_VIRTUAL', 'CAMERA_NON_CAMERA', 'CAMERA_TIMING_ANOMALY'])), v.maxLength(3)), [
    'CAMERA_VIRTUAL',
    'CAMERA_NON_CAMERA',
  ]),
  /**
   * liveness products: `enabled` false refuses new sessions (LIVENESS_DISABLED); `version` "2.0"
   * is the video flow, "1.0" the single-image API (video sessions refused); `threshold` replaces
   * the verifier's `livenessThreshold` for this integrator
   */
  liveness: v.optional(
    v.strictObject({
      enabled: v.optional(v.boolean(), true),
      version: v.optional(v.picklist(['1.0', '2.0']), '2.0'),
      threshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
    }),
    {},
  ),
  /**
   * restricted lists every capture is screened against (any operation): a match at or above
   * `minScore` sends the session to review with WATCHLIST_HIT and reports the hit by webhook
   */
  watchlists: v.optional(
    v.pipe(v.array(v.strictObject({
      name: v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,32}$/)),
      minScore: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(100)), 50),
    })), v.maxLength(8)),
    [],
  ),
  /** ICAO quality policy for the reference images this integrator enrols (the matcher's default when absent) */
  qualityPolicy: v.optional(v.picklist(['warn', 'reject', 'off'])),
});
export type Integrator = v.InferOutput<typeof IntegratorSchema>;
export type IntegratorInput = v.InferInput<typeof IntegratorSchema>;

/** An admin credential for `/v1/admin/*` (never an integrator's key); `id` is recorded as "who" in the change log. */
export const AdminKeySchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.@-]{1,64}$/)),
  key: v.pipe(v.string(), v.minLength(16), v.maxLength(256)),
});

const bucket = v.object({ capacity: posInt, refillPerSec: v.pipe(v.number(), v.minValue(0)) });

export const ConfigSchema = v.object({
  issuer: v.optional(url, 'http://127.0.0.1:8787'),
  signingKeys: v.pipe(v.array(SigningKeySchema), v.minLength(1)),
  /**
   * seed only: written to the store for ids it does not hold yet (first start); afterwards the
   * store is the source of truth and the admin API changes it
   */
  integrators: v.optional(v.pipe(v.array(IntegratorSchema), v.maxLength(1000)), []),
  /**
   * `missing` (default): the seed writes only integrators the store does not hold; `overwrite`:
   * the seed's version replaces the stored one on every start (logged as actor `seed`) — for a
   * local demo whose ports change, never for a deployment managed through the admin API
   */
  seedMode: v.optional(v.picklist(['missing', 'overwrite']), 'missing'),
  /** admin API credentials (none: the admin API answers 401 to everyone) */
  adminKeys: v.optional(v.pipe(v.array(AdminKeySchema), v.maxLength(16)), []),
  /**
   * bearer token GET /metrics (Node entry) asks for; without one the metrics are served to anyone
   * who reaches the port (they hold counts only: no id, key or image)
   */
  metricsToken: v.optional(v.pipe(v.string(), v.minLength(16), v.maxLength(256))),
  matcherUrl: v.optional(url, 'http://127.0.0.1:8788'),
  /** bearer token the verifier presents to the matcher (every matcher route but /live and /ready needs one) */
  matcherToken: v.optional(v.pipe(v.string(), v.minLength(16), v.maxLength(256))),
  /** matcher call timeout; a timeout answers 503 UPSTREAM_UNAVAILABLE and keeps the attempt */
  matcherTimeoutMs: v.optional(posInt, 30_000),
  /** server-side liveness (0–100) needed to pass; client checks never raise it */
  livenessThreshold: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), 50),
  /** candidates asked of the matcher for 1:N */
  identifyMaxResults: v.optional(v.pipe(posInt, v.maxValue(100)), 5),
  sessionTtlS: v.optional(v.pipe(posInt, v.maxValue(300)), 300),
  verdictTtlS: v.optional(posInt, 600),
  /** lifetime of the one-time result code of a concluded capture (≤ 60 s) */
  codeTtlS: v.optional(v.pipe(posInt, v.maxValue(60)), 60),
  /** largest evidence frame (width × height, read from the JPEG header before anything decodes it) */
  maxFramePixels: v.optional(v.pipe(posInt, v.maxValue(16_000_000)), 1920 * 1080),
  /**
   * sessions ask for a head turn to a random side as part of the challenge; the element guides it
   * after the approach (docs/security.md). Off by default: one more step for every person
   */
  challengeTurn: v.optional(v.boolean(), false),
  /** retention: session records, nonces and evidence hashes / review evidence (days); purged hourly */
  retention: v.optional(
    v.object({
      recordsDays: v.optional(v.pipe(v.number(), v.minValue(0.001), v.maxValue(3650)), 30),
      reviewEvidenceDays: v.optional(v.pipe(v.number(), v.minValue(0.001), v.maxValue(3650)), 7),
    }),
    {},
  ),
  webhook: v.optional(
    v.object({
      maxAttempts: v.optional(v.pipe(posInt, v.maxValue(10)), 5),
      baseDelayMs: v.optional(v.pipe(v.number(), v.minValue(0)), 500),
      timeoutMs: v.optional(posInt, 5_000),
    }),
    {},
  ),
  rateLimits: v.optional(
    v.object({
      /** per API key: session creation, polling, review */
      apiKey: v.optional(bucket, { capacity: 60, refillPerSec: 10 }),
      /** per session: capture uploads */
      session: v.optional(bucket, { capacity: 10, refillPerSec: 1 }),
      /** per source address: failed API-key attempts */
      authFailures: v.optional(bucket, { capacity: 10, refillPerSec: 0.2 }),
    }),
    {},
  ),
});
export type Config = v.InferOutput<typeof ConfigSchema>;
export type ConfigInput = v.InferInput<typeof ConfigSchema>;

/** Validates a config object; throws KitError('BAD_REQUEST') naming the first bad path (never values). */
export function parseConfig(input: unknown): Config {
  const r = v.safeParse(ConfigSchema, input);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    throw new KitError('BAD_REQUEST', `invalid verifier config at ${path}: ${issue.message}`);
  }
  return r.output;
}

function json(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new KitError('BAD_REQUEST', `${name} is not valid JSON`);
  }
}

export type EnvLike = Record<string, string | undefined>;

/** Maps environment variables to a raw config object (undefined where absent, so defaults apply). */
export function configFromEnv(env: EnvLike): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.VERIFIER_ISSUER) out.issuer = env.VERIFIER_ISSUER;
  const keys = json('VERIFIER_SIGNING_KEYS', env.VERIFIER_SIGNING_KEYS);
  if (keys !== undefined) out.signingKeys = keys;
  const integrators = json('VERIFIER_INTEGRATORS', env.VERIFIER_INTEGRATORS);
  if (integrators !== undefined) out.integrators = integrators;
  if (env.VERIFIER_SEED_MODE) out.seedMode = env.VERIFIER_SEED_MODE;
  const adminKeys = json('VERIFIER_ADMIN_KEYS', env.VERIFIER_ADMIN_KEYS);
  if (adminKeys !== undefined) out.adminKeys = adminKeys;
  if (env.VERIFIER_METRICS_TOKEN) out.metricsToken = env.VERIFIER_METRICS_TOKEN;
  if (env.MATCHER_URL) out.matcherUrl = env.MATCHER_URL;
  if (env.MATCHER_TOKEN) out.matcherToken = env.MATCHER_TOKEN;
  if (env.VERIFIER_LIVENESS_THRESHOLD) out.livenessThreshold = Number(env.VERIFIER_LIVENESS_THRESHOLD);
  if (env.VERIFIER_CODE_TTL_S) out.codeTtlS = Number(env.VERIFIER_CODE_TTL_S);
  // '1' / 'true' turn it on, '0' / 'false' off; anything else is left to the schema to refuse
  const turn = env.VERIFIER_CHALLENGE_TURN;
  if (turn !== undefined) out.challengeTurn = turn === '1' || turn === 'true' ? true : turn === '0' || turn === 'false' ? false : turn;
  const webhook = json('VERIFIER_WEBHOOK', env.VERIFIER_WEBHOOK);
  if (webhook !== undefined) out.webhook = webhook;
  const retention = json('VERIFIER_RETENTION', env.VERIFIER_RETENTION);
  if (retention !== undefined) out.retention = retention;
  const rateLimits = json('VERIFIER_RATE_LIMITS', env.VERIFIER_RATE_LIMITS);
  if (rateLimits !== undefined) out.rateLimits = rateLimits;
  return out;
}

/** The demo integrator: only with VERIFIER_DEMO=1 (what `npm start` sets) when VERIFIER_INTEGRATORS is absent. */
export const DEMO_INTEGRATOR: v.InferInput<typeof IntegratorSchema> = {
  id: 'demo',
  apiKey: 'demo-key',
  origins: ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://127.0.0.1:5174'],
  returnUrls: ['http://localhost:5173/return.html'],
  webhookSecret: 'demo-webhook-secret-change-me',
};
