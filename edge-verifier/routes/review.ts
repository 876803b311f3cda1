import { Hono } from 'hono';
import * as v from 'valibot';
import { KitError } from '../../protocol/index.ts';
import { mintVerdict, webhookEvent } from '../flow/conclude.ts';
import { galleryOf, personIdOf } from '../flow/namespace.ts';
import { bodyLimit } from 'hono/body-limit';
import type { ApiKeyEnv } from '../middleware/api-key.ts';
import { randomId } from '../random.ts';
import type { Services } from '../services.ts';
import type { VerdictSummary } from '../store/types.ts';

/** How long one reviewer holds a decision (enrolment happens under it). */
const REVIEW_LEASE_S = 120;

const ReviewSchema = v.strictObject({ decision: v.picklist(['approve', 'reject']) });

/**
 * `POST /v1/sessions/{id}/review` (API key, behind sessionRoutes' auth): a person decides a
 * status-2 session. Approve → status 3 identity YES (registrations are enrolled now, response 201;
 * with their evidence gone, REVIEW_EVIDENCE_GONE and nothing changes); reject → status 3 identity
 * NO. The decision is taken under a lease before anything is enrolled; its webhook goes to the
 * outbox in the same transaction; the stored evidence is dropped.
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
    // take the review first: a second reviewer (or a retry racing this one) cannot enrol too
    const lease = randomId(16);
    if (!(await s.store.lockReview(r.sid, lease, s.now(), REVIEW_LEASE_S))) throw new KitError('SESSION_USED', 'session is not awaiting review');
    try {
      const approve = body.output.decision === 'approve';
      const prev = r.summary;
      let response: 200 | 201 | undefined;
      if (approve) {
        if (r.op === 'REGISTRATION' || r.op === 'IMAGE_UPDATE') {
          // enrol the reviewed face now: the frame the server chose to match, in this integrator's
          // namespace; without it nothing can be enrolled, so the approval cannot say 201
          const img = prev.hasBiometry && prev.bestFrame !== undefined ? await s.store.getEvidence(r.sid, prev.bestFrame) : null;
          if (!img) throw new KitError('REVIEW_EVIDENCE_GONE', 'the evidence of this enrolment is gone: reject it, or start a new session');
          await s.matcher.enrol(personIdOf(integrator.id, r.sub), img, galleryOf(integrator.id));
          response = 201;
        } else {
          response = 200;
        }
      }
      // without biometry nobody was recognised: an approval never says identity YES
      const identity = approve ? (prev.hasBiometry ? 'YES' : 'INCONCLUSIVE') : 'NO';
      const summary: VerdictSummary = {
        ...prev,
        match: prev.match ? { ...prev.match, identity } : { score: 0, band: 'RECAPTURE', identity },
        ...(response ? { response } : {}),
        reasons: [...prev.reasons, approve ? 'REVIEW_APPROVED' : 'REVIEW_REJECTED'],
      };
      if (!approve) delete summary.response;
      const verdict = await mintVerdict(s, { integrator, sid: r.sid, sub: r.sub, op: r.op, status: 3, summary });
      const event = webhookEvent(integrator, r.sid, 3, verdict);
      if (!(await s.store.review(r.sid, lease, summary, verdict, s.now(), event))) throw new KitError('SESSION_USED', 'session is not awaiting review');
      if (event) s.kickOutbox();
      return c.json({ sessionId: r.sid, status: 3, verdict, ...(response ? { response } : {}) });
    } catch (e) {
      await s.store.unlockReview(r.sid, lease).catch(() => undefined);
      throw e;
    }
  });
  return app;
}
