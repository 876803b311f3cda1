import { Hono } from 'hono';
import * as v from 'valibot';
import { KitError } from '../../protocol/index.ts';
import { mintVerdict, notify } from '../flow/conclude.ts';
import { galleryOf, personIdOf } from '../flow/namespace.ts';
import { bodyLimit } from 'hono/body-limit';
import type { ApiKeyEnv } from '../middleware/api-key.ts';
import { backgroundFor, type Services } from '../services.ts';
import type { VerdictSummary } from '../store/types.ts';

const ReviewSchema = v.strictObject({ decision: v.picklist(['approve', 'reject']) });

/**
 * `POST /v1/sessions/{id}/review` (API key, behind sessionRoutes' auth): a person decides a
 * status-2 session. Approve → status 3 identity YES (registrations are enrolled now, response 201);
 * reject → status 3 identity NO. Fires the webhook; the stored evidence is dropped.
 */
export function reviewRoutes(s: Services): Hono<ApiKeyEnv> {
  const app = new Hono<ApiKeyEnv>();
  app.post('/v1/sessions/:id/review', bodyLimit({ maxSize: 1024, onError: () => { throw new KitError('BODY_TOO_LARGE', 'review body over 1 KiB'); } }), async (c) => {
    const integrator = c.get('integrator');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new KitError('MALFORMED_BODY', 'body is not JSON');
    }
    const body = v.safeParse(ReviewSchema, raw);
    if (!body.success) throw new KitError('SCHEMA_VIOLATION', 'decision must be approve or reject');
    const r = await s.store.getSession(c.req.param('id'));
    if (!r || r.integrator !== integrator.id) throw new KitError('SESSION_NOT_FOUND');
    if (r.status !== 2 || !r.summary) throw new KitError('SESSION_USED', 'session is not awaiting review');
    const approve = body.output.decision === 'approve';
    const prev = r.summary;
    let response: 200 | 201 | undefined;
    if (approve) {
      response = 200;
      if ((r.op === 'REGISTRATION' || r.op === 'IMAGE_UPDATE') && prev.hasBiometry && prev.bestFrame !== undefined) {
        // enrol the reviewed face now: the frame the server chose to match, in this integrator's namespace
        const img = await s.store.getEvidence(r.sid, prev.bestFrame);
        if (img) await s.matcher.enrol(personIdOf(integrator.id, r.sub), img, galleryOf(integrator.id));
        response = 201;
      }
    }
    // without biometry (manager mode) nobody was recognised: an approval never says identity YES
    const identity = approve ? (prev.hasBiometry ? 'YES' : 'INCONCLUSIVE') : 'NO';
    const summary: VerdictSummary = {
      ...prev,
      match: prev.match ? { ...prev.match, identity } : { score: 0, band: 'RECAPTURE', identity },
      ...(response ? { response } : {}),
      reasons: [...prev.reasons, approve ? 'REVIEW_APPROVED' : 'REVIEW_REJECTED'],
    };
    if (!approve) delete summary.response;
    const verdict = await mintVerdict(s, { integrator, sid: r.sid, sub: r.sub, op: r.op, status: 3, summary });
    if (!(await s.store.review(r.sid, summary, verdict, s.now()))) throw new KitError('SESSION_USED', 'session is not awaiting review');
    notify(s, integrator, r.sid, 3, verdict, backgroundFor(c, s));
    return c.json({ sessionId: r.sid, status: 3, verdict, ...(response ? { response } : {}) });
  });
  return app;
}
