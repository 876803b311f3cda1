import * as v from 'valibot';

/**
 * The demo integrator backend's one config object (what a bank would keep server-side).
 * Sources: `DEMO_*` environment variables, set by `npm start` (scripts/start.mjs).
 */
export const DemoApiConfigSchema = v.object({
  /** edge verifier base URL (server-to-server calls) */
  verifierUrl: v.optional(v.pipe(v.string(), v.url()), 'http://127.0.0.1:8787'),
  /** the verifier's `iss` (verdict JWTs are checked against it); defaults to verifierUrl */
  verifierIssuer: v.optional(v.pipe(v.string(), v.url())),
  /** this integrator's id at the verifier = the verdict's `aud` */
  integratorId: v.optional(v.pipe(v.string(), v.minLength(1)), 'demo'),
  /** integrator API key: used only here, never sent to a browser */
  apiKey: v.optional(v.pipe(v.string(), v.minLength(8)), 'demo-key'),
  /** API key of the demo's single-image integrator (liveness version 1.0: POST /v1/liveness/image) */
  photoApiKey: v.optional(v.pipe(v.string(), v.minLength(8)), 'demo-photo-key'),
  /** HMAC secret of the verifier's webhooks */
  webhookSecret: v.optional(v.pipe(v.string(), v.minLength(16)), 'demo-webhook-secret-change-me'),
  /** registered return URL used for the redirect (web-view) integration */
  returnUrl: v.optional(v.pipe(v.string(), v.url()), 'http://localhost:5173/return.html'),
  /** origin serving the iframe host page (a different origin from the demo); null = derive in the page */
  hostOrigin: v.optional(v.nullable(v.pipe(v.string(), v.url())), null),
  /** webhook events kept in memory for the console */
  maxEvents: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 50),
  /** per-session notes (name, card, justification) kept in memory */
  maxNotes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)), 500),
  /** timeout of each call to the verifier */
  upstreamTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100)), 10_000),
});
export type DemoApiConfig = v.InferOutput<typeof DemoApiConfigSchema>;
export type DemoApiConfigInput = v.InferInput<typeof DemoApiConfigSchema>;

/** Validates the config; throws naming the first bad path (never its value: it may be a secret). */
export function parseDemoApiConfig(input: unknown): DemoApiConfig {
  const r = v.safeParse(DemoApiConfigSchema, input);
  if (!r.success) throw new Error(`invalid demo-api config at ${v.getDotPath(r.issues[0]) ?? '(root)'}: ${r.issues[0].message}`);
  return r.output;
}

/** DEMO_VERIFIER_URL, DEMO_VERIFIER_ISSUER, DEMO_INTEGRATOR_ID, DEMO_API_KEY, DEMO_WEBHOOK_SECRET, DEMO_RETURN_URL, DEMO_HOST_ORIGIN. */
export function demoApiConfigFromEnv(env: Record<string, string | undefined> = process.env): DemoApiConfig {
  const raw: Record<string, unknown> = {};
  const map: [string, string][] = [
    ['DEMO_VERIFIER_URL', 'verifierUrl'],
    ['DEMO_VERIFIER_ISSUER', 'verifierIssuer'],
    ['DEMO_INTEGRATOR_ID', 'integratorId'],
    ['DEMO_API_KEY', 'apiKey'],
    ['DEMO_PHOTO_API_KEY', 'photoApiKey'],
    ['DEMO_WEBHOOK_SECRET', 'webhookSecret'],
    ['DEMO_RETURN_URL', 'returnUrl'],
    ['DEMO_HOST_ORIGIN', 'hostOrigin'],
  ];
  for (const [name, key] of map) if (env[name]) raw[key] = env[name];
  return parseDemoApiConfig(raw);
}
