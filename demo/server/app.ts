import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
  CreateSessionResponseSchema, KitError, OPERATIONS, WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, isErrorCode, type VerdictClaims,
} from '../../protocol/index.ts';
import { ReviewResponseSchema, SessionListSchema, SessionViewSchema } from '../../protocol/responses.ts';
import { BoundedMap } from './bounded-map.ts';
import { parseDemoApiConfig, type DemoApiConfig, type DemoApiConfigInput } from './config.ts';
import { verdictVerifier } from './verdict.ts';
import { verifierClient } from './verifier-client.ts';
import { verifyWebhookSignature } from './webhook-signature.ts';

/** Mount point of the demo integrator backend on the demo site. */
export const DEMO_API_BASE = '/demo-api';

const MAX_BODY_BYTES = 16 * 1024;
/** the single-image page posts one base64 photo (the verifier's own limit is 8 MiB of image) */
const MAX_IMAGE_BODY_BYTES = 12 * 1024 * 1024;
const IMAGE_PATH = `${DEMO_API_BASE}/liveness/image`;

/** `POST /demo-api/sessions`: what the demo pages send (the API key is added here, server-side). */
export const StartSessionSchema = v.strictObject({
  operation: v.picklist(OPERATIONS),
  subject: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[A-Za-z0-9._:@-]+$/))),
  card: v.optional(v.pipe(v.string(), v.maxLength(32), v.regex(/^[A-Za-z0-9.-]*$/))),
  name: v.optional(v.pipe(v.string(), v.maxLength(120))),
  /** justification; required for IMAGE_UPDATE */
  message: v.optional(v.pipe(v.string(), v.maxLength(500))),
  /** register the session with the demo's return URL (redirect / web-view integration) */
  redirect: v.optional(v.boolean()),
});
export type StartSession = v.InferOutput<typeof StartSessionSchema>;

const WebhookEventSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(128)),
  type: v.literal('session.status'),
  sessionId: v.pipe(v.string(), v.maxLength(128)),
  status: v.picklist([2, 3, 4, 5]),
  verdict: v.pipe(v.string(), v.maxLength(16 * 1024)),
});
/** The suspicious-list event (a person's score band flipped, or the face was erased). */
const PersonEventSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(128)),
  type: v.literal('person.suspicious'),
  subject: v.pipe(v.string(), v.maxLength(128)),
  change: v.picklist(['SCORE_POSITIVE_TO_NEGATIVE', 'SCORE_NEGATIVE_TO_POSITIVE', 'ERASED']),
  at: v.number(),
});

/** Details the integrator keeps about its own sessions (also sent to the verifier, which stores them with the session). */
export interface SessionNote {
  name?: string;
  card?: string;
  message?: string;
}

/** A received webhook as shown in the console: the verdict's claims, never the JWT itself. */
export interface ReceivedWebhook {
  id: string;
  sessionId: string;
  status: 2 | 3 | 4 | 5;
  receivedAt: number;
  /** the verdict JWT verified against the verifier's JWKS (iss, aud, typ, alg pinned) */
  verdictVerified: boolean;
  claims: Pick<VerdictClaims, 'op' | 'sub' | 'liveness' | 'match' | 'response' | 'candidates' | 'hasBiometry' | 'reasons'> | null;
}

export interface DemoApi {
  app: Hono;
  config: DemoApiConfig;
  /** received webhooks, newest first */
  events(): ReceivedWebhook[];
}

export interface DemoApiOptions {
  config?: DemoApiConfigInput;
  fetch?: typeof fetch;
}

async function jsonBody<T>(c: Context, schema: v.GenericSchema<unknown, T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new KitError('MALFORMED_BODY', 'body is not JSON');
  }
  const r = v.safeParse(schema, raw);
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', `body violates the schema at ${v.getDotPath(r.issues[0]) ?? '(root)'}`);
  return r.output;
}

/** Relays a verifier error ({code, message}) with its status; anything else becomes UPSTREAM_UNAVAILABLE. */
async function upstreamError(res: Response): Promise<KitError> {
  const body = (await res.json().catch(() => null)) as { code?: unknown; message?: unknown } | null;
  if (body && isErrorCode(body.code)) return new KitError(body.code, typeof body.message === 'string' ? body.message.slice(0, 300) : body.code);
  return new KitError('UPSTREAM_UNAVAILABLE', `verifier answered ${res.status}`);
}

type UpstreamSession = v.InferOutput<typeof SessionViewSchema>;

/** A verifier answer parsed with its protocol schema (an unexpected shape is the verifier's fault: 503). */
async function upstreamBody<S extends v.GenericSchema>(res: Response, schema: S): Promise<v.InferOutput<S>> {
  const parsed = v.safeParse(schema, await res.json().catch(() => undefined));
  if (!parsed.success) throw new KitError('UPSTREAM_UNAVAILABLE', `the verifier's answer does not match its schema (${parsed.issues[0]?.message ?? 'invalid'})`);
  return parsed.output;
}

/**
 * The demo integrator backend (what a bank runs server-side), a Hono app under `/demo-api`:
 * creates verifier sessions with the API key, proxies the review console's calls, and receives
 * the verifier's signed webhooks.
 */
export function createDemoApi(opts: DemoApiOptions = {}): DemoApi {
  const config = parseDemoApiConfig(opts.config ?? {});
  const verifier = verifierClient(config, opts.fetch);
  const checkVerdict = verdictVerifier(config);
  const notes = new BoundedMap<string, SessionNote>(config.maxNotes);
  const received = new BoundedMap<string, ReceivedWebhook>(config.maxEvents);
  const personEvents: v.InferOutput<typeof PersonEventSchema>[] = [];

  /** The browser's view of a session: the integrator's notes added, the verdict JWT left out. */
  const view = (s: UpstreamSession) => {
    const { verdict: _verdict, ...rest } = s;
    return { ...rest, ...(notes.get(s.sessionId) ?? {}) };
  };

  const app = new Hono().basePath(DEMO_API_BASE);
  app.onError((err, c) => {
    const e = err instanceof KitError ? err : new KitError('INTERNAL', 'internal error');
    return c.json(e.toBody(), e.status as 400);
  });
  app.notFound((c) => c.json(new KitError('NOT_FOUND').toBody(), 404));
  // POSTs must be JSON: a cross-site form cannot send that without a (refused) CORS preflight
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST' && !(c.req.header('content-type') ?? '').startsWith('application/json')) {
      throw new KitError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    }
    await next();
  });
  const small = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new KitError('BODY_TOO_LARGE'); } });
  const large = bodyLimit({ maxSize: MAX_IMAGE_BODY_BYTES, onError: () => { throw new KitError('BODY_TOO_LARGE'); } });
  app.use('*', (c, next) => (c.req.path === IMAGE_PATH ? large(c, next) : small(c, next)));

  // BioDoc Liveness 1.0 for the demo's photo page: the body goes to the verifier as is, with the
  // single-image integrator's key added here; the verifier validates it and answers (errors too)
  app.post('/liveness/image', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new KitError('MALFORMED_BODY', 'body is not JSON');
    }
    const lang = c.req.header('accept-language');
    const res = await verifier.call('/v1/liveness/image', { method: 'POST', json: raw, apiKey: config.photoApiKey, headers: lang ? { 'accept-language': lang } : {}, timeoutMs: 60_000 });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  });

  app.get('/config', (c) =>
    c.json({ verifierUrl: config.verifierUrl, hostOrigin: config.hostOrigin, returnUrl: config.returnUrl }),
  );

  app.post('/sessions', async (c) => {
    const req = await jsonBody(c, StartSessionSchema);
    if (req.operation !== 'IDENTIFICATION' && !req.subject) throw new KitError('SCHEMA_VIOLATION', 'subject is required for this operation');
    const message = req.message?.trim();
    if (req.operation === 'IMAGE_UPDATE' && !message) throw new KitError('SCHEMA_VIOLATION', 'IMAGE_UPDATE requires a justification message');
    const res = await verifier.call('/v1/sessions', {
      method: 'POST',
      json: {
        operation: req.operation,
        ...(req.operation !== 'IDENTIFICATION' ? { subject: req.subject } : {}),
        ...(req.redirect ? { returnUrl: config.returnUrl } : {}),
        // the verifier keeps them with the session (the justification goes into the verdict)
        ...(message ? { message } : {}),
        ...(req.name?.trim() ? { name: req.name.trim() } : {}),
        ...(req.card ? { card: req.card } : {}),
      },
    });
    if (res.status !== 201) throw await upstreamError(res);
    const created = await upstreamBody(res, CreateSessionResponseSchema);
    const note: SessionNote = {};
    if (req.name?.trim()) note.name = req.name.trim();
    if (req.card) note.card = req.card;
    if (message) note.message = message;
    notes.set(created.sessionId, note);
    return c.json(
      { sessionId: created.sessionId, token: created.sessionToken, expiresAt: created.expiresAt, verifier: config.verifierUrl },
      201,
    );
  });

  app.get('/sessions', async (c) => {
    const res = await verifier.call('/v1/sessions?limit=100');
    if (!res.ok) throw await upstreamError(res);
    const body = await upstreamBody(res, SessionListSchema);
    return c.json({ sessions: body.sessions.map(view) });
  });

  app.get('/sessions/:id', async (c) => {
    const res = await verifier.call(`/v1/sessions/${encodeURIComponent(c.req.param('id'))}`);
    if (!res.ok) throw await upstreamError(res);
    const s = await upstreamBody(res, SessionViewSchema);
    // the page shows the outcome only once this backend has verified the verdict itself
    const verdictVerified = typeof s.verdict === 'string' ? (await checkVerdict(s.verdict)) !== null : false;
    return c.json({ ...view(s), verdictVerified });
  });

  app.get('/sessions/:id/evidence/:n', async (c) => {
    const n = c.req.param('n');
    if (!/^\d{1,2}$/.test(n)) throw new KitError('NOT_FOUND');
    const res = await verifier.call(`/v1/sessions/${encodeURIComponent(c.req.param('id'))}/evidence/${n}`);
    if (!res.ok) throw await upstreamError(res);
    return c.body(new Uint8Array(await res.arrayBuffer()), 200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store' });
  });

  app.post('/sessions/:id/review', async (c) => {
    const { decision } = await jsonBody(c, v.strictObject({ decision: v.picklist(['approve', 'reject']) }));
    const res = await verifier.call(`/v1/sessions/${encodeURIComponent(c.req.param('id'))}/review`, { method: 'POST', json: { decision } });
    if (!res.ok) throw await upstreamError(res);
    const body = await upstreamBody(res, ReviewResponseSchema);
    return c.json({ sessionId: body.sessionId, status: body.status, ...(body.response ? { response: body.response } : {}) });
  });

  app.post('/webhooks', async (c) => {
    const raw = await c.req.text();
    // authenticate the exact bytes before parsing anything
    if (!(await verifyWebhookSignature(config.webhookSecret, raw, c.req.header(WEBHOOK_SIGNATURE_HEADER), c.req.header(WEBHOOK_TIMESTAMP_HEADER)))) {
      throw new KitError('BAD_REQUEST', 'webhook signature invalid');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new KitError('MALFORMED_BODY', 'body is not JSON');
    }
    const person = v.safeParse(PersonEventSchema, parsed);
    if (person.success) {
      if (!personEvents.some((e) => e.id === person.output.id)) personEvents.push(person.output);
      if (personEvents.length > config.maxEvents) personEvents.shift();
      return c.json({ received: true });
    }
    const r = v.safeParse(WebhookEventSchema, parsed);
    if (!r.success) throw new KitError('SCHEMA_VIOLATION', 'not a session.status or person.suspicious event');
    const event = r.output;
    const headerId = c.req.header(WEBHOOK_EVENT_ID_HEADER);
    if (headerId !== undefined && headerId !== event.id) throw new KitError('BAD_REQUEST', 'event id header does not match the body');
    // retries carry the same id: acknowledge without recording twice
    if (!received.has(event.id)) {
      const claims = await checkVerdict(event.verdict);
      received.set(event.id, {
        id: event.id,
        sessionId: event.sessionId,
        status: event.status,
        receivedAt: Math.floor(Date.now() / 1000),
        verdictVerified: claims !== null && claims.sid === event.sessionId && claims.status === event.status,
        claims: claims && {
          op: claims.op, sub: claims.sub, liveness: claims.liveness, match: claims.match, response: claims.response,
          candidates: claims.candidates, hasBiometry: claims.hasBiometry, reasons: claims.reasons,
        },
      });
    }
    return c.json({ received: true });
  });

  const events = () => [...received.values()].reverse();
  app.get('/webhooks', (c) => c.json({ events: events(), personEvents: [...personEvents].reverse() }));

  return { app, config, events };
}
