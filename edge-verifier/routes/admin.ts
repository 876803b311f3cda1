import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { KitError } from '../../protocol/index.ts';
import { IntegratorSchema, type Integrator } from '../config.ts';
import { diffIntegrator, integratorView, SECRET_FIELDS } from '../integrators/changes.ts';
import { matchKey, presentedKey, sourceOf } from '../middleware/api-key.ts';
import type { Services } from '../services.ts';

type AdminEnv = { Variables: { actor: string } };

const MAX_BODY = 16 * 1024;
const ACTOR_NOTE = /^[A-Za-z0-9 _.@-]{1,64}$/;

/**
 * Admin credential only (config `adminKeys`, env VERIFIER_ADMIN_KEYS): an integrator's API key is
 * refused like any unknown key. "Who" in the change log is the admin key's id, plus the person an
 * `X-Admin-Actor` header names.
 */
function adminAuth(s: Services): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const source = 'admin:' + sourceOf(c);
    if (s.limits.authFailures.exhausted(source)) {
      c.header('retry-after', String(s.limits.authFailures.retryAfterS()));
      throw new KitError('AUTH_RATE_LIMITED', 'too many failed admin attempts from this address');
    }
    const key = presentedKey(c);
    const admin = key ? matchKey(s.config.adminKeys, key) : undefined;
    if (!admin) {
      try {
        s.limits.authFailures.take(source);
      } catch {
        /* reported on the next attempt */
      }
      throw new KitError('UNAUTHORIZED', 'admin credential required');
    }
    const note = c.req.header('x-admin-actor');
    if (note !== undefined && !ACTOR_NOTE.test(note)) throw new KitError('SCHEMA_VIOLATION', 'X-Admin-Actor: 1–64 letters, digits, space, _ . @ -');
    c.set('actor', note ? `${admin.id}/${note}` : admin.id);
    await next();
  };
}

async function body(c: Context): Promise<Record<string, unknown>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new KitError('MALFORMED_BODY', 'body is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new KitError('SCHEMA_VIOLATION', 'body must be a JSON object');
  const b = raw as Record<string, unknown>;
  // a view's fingerprint sent back must never become the secret
  for (const k of SECRET_FIELDS) if (typeof b[k] === 'string' && (b[k] as string).startsWith('sha256:')) throw new KitError('SCHEMA_VIOLATION', `${k}: send the secret itself, or leave it out to keep the current one`);
  return b;
}

function validated(id: string, raw: Record<string, unknown>): Integrator {
  if (raw.id !== undefined && raw.id !== id) throw new KitError('SCHEMA_VIOLATION', 'id in the body differs from the path');
  const r = v.safeParse(IntegratorSchema, { ...raw, id });
  if (!r.success) throw new KitError('SCHEMA_VIOLATION', `integrator violates the schema at ${r.issues[0].path?.map((p) => String(p.key)).join('.') ?? '(root)'}: ${r.issues[0].message}`);
  return r.output;
}

/**
 * `/v1/admin/integrators`: per-integrator configuration in the verifier's store. GET lists / reads
 * (secrets as fingerprints); PUT creates or replaces (secrets left out keep their current value);
 * PATCH changes the fields it names (`liveness` merged field by field); every write records one
 * change row per field with who, when, the old and the new value (`GET …/{id}/changes`).
 * Changes apply to new requests at once in this process (other processes within 1 s).
 */
export function adminRoutes(s: Services): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.use('/v1/admin/*', adminAuth(s));
  const limit = bodyLimit({ maxSize: MAX_BODY, onError: () => { throw new KitError('BODY_TOO_LARGE'); } });

  const current = async (id: string) => (await s.store.listIntegrators()).find((r) => r.id === id);

  const write = async (c: Context<AdminEnv>, id: string, patch: boolean) => {
    const raw = await body(c);
    const row = await current(id);
    if (patch && !row) throw new KitError('INTEGRATOR_NOT_FOUND');
    const old = row ? (JSON.parse(row.config) as Record<string, unknown>) : null;
    let merged: Record<string, unknown> = patch ? { ...old, ...raw } : { ...raw };
    if (patch && raw.liveness && typeof raw.liveness === 'object') merged.liveness = { ...(old?.liveness as object | undefined), ...(raw.liveness as object) };
    if (old) for (const k of SECRET_FIELDS) if (merged[k] === undefined && old[k] !== undefined) merged = { ...merged, [k]: old[k] };
    const next = validated(id, merged);
    const others = (await s.integrators.all()).filter((i) => i.id !== id);
    if (others.some((i) => i.apiKey === next.apiKey)) throw new KitError('SCHEMA_VIOLATION', 'apiKey is already in use by another integrator');
    const changes = await diffIntegrator(old as never, next);
    if (changes.length && !(await s.store.putIntegrator(id, JSON.stringify(next), row ? row.updatedAt : null, c.get('actor'), changes, s.now()))) {
      throw new KitError('CONFIG_CHANGED', 'the integrator changed meanwhile: read it again and retry');
    }
    s.integrators.invalidate();
    return c.json({ integrator: await integratorView(next), changes: changes.length }, row ? 200 : 201);
  };

  app.get('/v1/admin/integrators', async (c) => {
    const rows = await s.store.listIntegrators();
    return c.json({ integrators: await Promise.all(rows.map((r) => integratorView(JSON.parse(r.config)))) });
  });
  app.get('/v1/admin/integrators/:id', async (c) => {
    const row = await current(c.req.param('id'));
    if (!row) throw new KitError('INTEGRATOR_NOT_FOUND');
    return c.json({ integrator: await integratorView(JSON.parse(row.config)), updatedAt: row.updatedAt });
  });
  app.put('/v1/admin/integrators/:id', limit, (c) => write(c, c.req.param('id'), false));
  app.patch('/v1/admin/integrators/:id', limit, (c) => write(c, c.req.param('id'), true));
  app.get('/v1/admin/integrators/:id/changes', async (c) => {
    const id = c.req.param('id');
    if (!(await current(id))) throw new KitError('INTEGRATOR_NOT_FOUND');
    const n = Number(c.req.query('limit') ?? 100);
    return c.json({ changes: await s.store.integratorChanges(id, Number.isFinite(n) ? n : 100) });
  });
  return app;
}
