import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from './sqlite.ts';

const base = { integrator: 'acme', op: 'VERIFICATION' as const, sub: 'p1', maxAttempts: 2, createdAt: 100, expiresAt: 400 };
const summary = { liveness: 10, hasBiometry: true, reasons: ['FACE_NOT_LIVE'] };
/** the frames and capture key an upload binds (frame hashes named after the nonce: one fresh set per capture) */
const bind = (nonce: string, key = 'key-1') => ({ frames: [`${nonce}-f0`, `${nonce}-f1`], keyThumb: key });

describe('sqlite store: atomic nonce check-and-set', () => {
  it('claims once, refuses replay, restores on release, rotates on retry, caps attempts', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 's1', nonce: 'n1' });
    expect(await s.claimAttempt('nope', 'n1', 200, bind('n1'))).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
    expect(await s.claimAttempt('s1', 'other', 200, bind('other'))).toEqual({ ok: false, code: 'NONCE_MISMATCH' });
    expect(await s.claimAttempt('s1', 'n1', 200, bind('n1'))).toEqual({ ok: true, attempt: 1, failedBefore: 0, noFaceBefore: 0 });
    expect(await s.claimAttempt('s1', 'n1', 200, bind('n1'))).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.releaseAttempt('s1', 'n1', 201)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 202, bind('n1'))).toEqual({ ok: true, attempt: 1, failedBefore: 0, noFaceBefore: 0 });
    expect(await s.retryAttempt('s1', 'n1', 'n2', summary, 203)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 204, bind('n1'))).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.claimAttempt('s1', 'n2', 204, bind('n2'))).toEqual({ ok: true, attempt: 2, failedBefore: 1, noFaceBefore: 0 });
    expect(await s.finalize('s1', 'n2', { status: 5, summary, verdict: 'v' }, 205)).toBe(true);
    expect(await s.claimAttempt('s1', 'n2', 206, bind('n2'))).toEqual({ ok: false, code: 'ATTEMPTS_EXCEEDED' });
    s.close();
  });

  it('completed and expired sessions refuse captures; review is a one-shot 2 → 3 that drops evidence', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 's2', nonce: 'a' });
    await s.claimAttempt('s2', 'a', 200, bind('a'));
    expect(await s.finalize('s2', 'a', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([1, 2, 3])] }, 201)).toBe(true);
    expect(await s.claimAttempt('s2', 'a', 202, bind('a'))).toEqual({ ok: false, code: 'SESSION_USED' });
    expect(Array.from((await s.getEvidence('s2', 0))!)).toEqual([1, 2, 3]);
    expect((await s.getSession('s2'))!.evidenceCount).toBe(1);
    // the decision needs the review lease: no lease, no transition; a second reviewer cannot take it
    expect(await s.review('s2', 'lease-1', summary, 'v2', 203)).toBe(false);
    expect(await s.lockReview('s2', 'lease-1', 203, 120)).toBe(true);
    expect(await s.lockReview('s2', 'lease-2', 204, 120)).toBe(false);
    expect(await s.review('s2', 'lease-2', summary, 'v2', 204)).toBe(false);
    expect(await s.review('s2', 'lease-1', summary, 'v2', 205, { id: 'e1', body: '{}' })).toBe(true);
    expect(await s.review('s2', 'lease-1', summary, 'v3', 206)).toBe(false);
    expect(await s.getEvidence('s2', 0)).toBeNull();
    await s.createSession({ ...base, sid: 's3', nonce: 'b' });
    expect(await s.claimAttempt('s3', 'b', 401, bind('b'))).toEqual({ ok: false, code: 'SESSION_EXPIRED' });
    // the review's outbox event was written with it, once
    expect((await s.deliveries('acme', 10)).map((d) => [d.eventId, d.status, d.state])).toEqual([['e1', 3, 'pending']]);
    s.close();
  });

  it('outbox: due events are leased to one sender, retried on schedule, given up or delivered exactly once', async () => {
    const s = openSqliteStore(':memory:');
    for (const sid of ['o1', 'o2']) {
      await s.createSession({ ...base, sid, nonce: sid });
      await s.claimAttempt(sid, sid, 200, bind(sid));
      expect(await s.finalize(sid, sid, { status: 3, summary, verdict: 'v', event: { id: `evt-${sid}`, body: `{"sid":"${sid}"}` } }, 201)).toBe(true);
    }
    expect(await s.pendingEvents()).toEqual({ count: 2, nextAtMs: 0 });
    const first = await s.claimDueEvents(1_000, 10_000, 10);
    expect(first.map((e) => e.id).sort()).toEqual(['evt-o1', 'evt-o2']);
    expect(first[0].integrator).toBe('acme');
    // leased: a second sender gets nothing until the lease runs out
    expect(await s.claimDueEvents(2_000, 10_000, 10)).toEqual([]);
    await s.eventAttempted('evt-o1', true, null, null, 3);
    await s.eventAttempted('evt-o2', false, 5_000, 'HTTP_500', 3);
    expect(await s.claimDueEvents(4_999, 10_000, 10)).toEqual([]);
    const again = await s.claimDueEvents(5_000, 10_000, 10);
    expect(again.map((e) => [e.id, e.attempts])).toEqual([['evt-o2', 1]]);
    await s.eventAttempted('evt-o2', false, null, 'HTTP_500', 4);
    // a late outcome for an event already settled changes nothing
    await s.eventAttempted('evt-o1', false, 9_000, 'TIMEOUT', 5);
    expect(await s.pendingEvents()).toEqual({ count: 0, nextAtMs: null });
    const view = Object.fromEntries((await s.deliveries('acme', 10)).map((d) => [d.eventId, [d.state, d.attempts, d.lastError]]));
    expect(view).toEqual({ 'evt-o1': ['delivered', 1, null], 'evt-o2': ['failed', 2, 'HTTP_500'] });
    expect(await s.deliveries('other', 10)).toEqual([]);
    s.close();
  });

  it('cancel and expiry: only a pending session ends with status 4, its event in the same transaction', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 'c1', nonce: 'c1', meta: { message: 'new photo', card: '123' } });
    expect((await s.getSession('c1'))!.meta).toEqual({ message: 'new photo', card: '123' });
    // not expired yet: the expiry form refuses, the cancel form ends it
    expect(await s.cancel('c1', { summary, verdict: 'v' }, 250, true)).toBe(false);
    expect(await s.expiredPending(250, 10)).toEqual([]);
    expect(await s.cancel('c1', { summary, verdict: 'v', event: { id: 'evt-c1', body: '{}' } }, 250, false)).toBe(true);
    expect(await s.cancel('c1', { summary, verdict: 'v' }, 251, false)).toBe(false);
    expect((await s.getSession('c1'))!.status).toBe(4);
    expect(await s.claimAttempt('c1', 'c1', 252, bind('c1'))).toEqual({ ok: false, code: 'SESSION_CANCELLED' });
    await s.createSession({ ...base, sid: 'c2', nonce: 'c2' });
    expect((await s.expiredPending(base.expiresAt + 1, 10)).map((r) => r.sid)).toEqual(['c2']);
    expect(await s.cancel('c2', { summary, verdict: 'v' }, base.expiresAt + 1, true)).toBe(true);
    expect((await s.deliveries('acme', 10)).map((d) => d.eventId)).toEqual(['evt-c1']);
    s.close();
  });

  it('manager mode counts only attempts without a face', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 'm1', nonce: 'n0', maxAttempts: 5 });
    await s.claimAttempt('m1', 'n0', 200, bind('n0'));
    await s.retryAttempt('m1', 'n0', 'n1', summary, 201, false);
    await s.claimAttempt('m1', 'n1', 202, bind('n1'));
    await s.retryAttempt('m1', 'n1', 'n2', summary, 203, true);
    expect(await s.claimAttempt('m1', 'n2', 204, bind('n2'))).toMatchObject({ ok: true, attempt: 3, failedBefore: 2, noFaceBefore: 1 });
    s.close();
  });

  it('integrators: seeded once, written with a change log under optimistic concurrency', async () => {
    const s = openSqliteStore(':memory:');
    expect(await s.seedIntegrators([{ id: 'a', config: '{"id":"a"}' }], 10)).toEqual(['a']);
    expect(await s.seedIntegrators([{ id: 'a', config: '{"id":"a","x":1}' }, { id: 'b', config: '{"id":"b"}' }], 11)).toEqual(['b']);
    expect((await s.listIntegrators()).map((r) => [r.id, r.config])).toEqual([['a', '{"id":"a"}'], ['b', '{"id":"b"}']]);
    const a = (await s.listIntegrators())[0];
    expect(await s.putIntegrator('a', '{"id":"a","y":2}', a.updatedAt, 'root', [{ field: 'y', old: null, new: '2' }], 20)).toBe(true);
    // a writer that read the old row loses
    expect(await s.putIntegrator('a', '{"id":"a","y":3}', a.updatedAt, 'root', [{ field: 'y', old: null, new: '3' }], 21)).toBe(false);
    expect(await s.putIntegrator('c', '{"id":"c"}', null, 'root', [{ field: 'id', old: null, new: '"c"' }], 22)).toBe(true);
    expect(await s.putIntegrator('c', '{"id":"c"}', null, 'root', [], 23)).toBe(false);
    const log = await s.integratorChanges('a', 10);
    expect(log.map((c) => [c.actor, c.field, c.old, c.new, c.at])).toEqual([['root', 'y', null, '2', 20], ['seed', '*', null, null, 10]]);
    s.close();
  });

  it('one-time codes: recorded with the transition, redeemed once, only by the owner, only before expiry', async () => {
    const s = openSqliteStore(':memory:');
    const done = (sid: string, hash: string, expiresAt: number) => s.finalize(sid, sid, { status: 3, summary, verdict: 'v', code: { hash, expiresAt } }, 200);
    for (const sid of ['c1', 'c2', 'c3']) {
      await s.createSession({ ...base, sid, nonce: sid });
      await s.claimAttempt(sid, sid, 200, bind(sid));
    }
    await done('c1', 'h1', 500);
    await done('c2', 'h2', 500);
    expect(await s.redeemCode('h1', 'other', 300)).toBeNull(); // another integrator: refused, not burnt
    expect(await s.redeemCode('unknown', 'acme', 300)).toBeNull();
    expect(await s.redeemCode('h1', 'acme', 300)).toBe('c1');
    expect(await s.redeemCode('h1', 'acme', 301)).toBeNull(); // single use
    expect(await s.redeemCode('h2', 'acme', 500)).toBeNull(); // valid while now < expiresAt
    expect(await s.redeemCode('h2', 'acme', 499)).toBe('c2');
    // a finalize that loses (wrong nonce) records no code
    expect(await s.finalize('c3', 'wrong', { status: 3, summary, verdict: 'v', code: { hash: 'h3', expiresAt: 500 } }, 200)).toBe(false);
    expect(await s.redeemCode('h3', 'acme', 300)).toBeNull();
    s.close();
  });

  it('one-time codes: concurrent redemptions from two connections on one file, exactly one wins', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'codes-'));
    try {
      const a = openSqliteStore(path.join(dir, 'v.db'));
      const b = openSqliteStore(path.join(dir, 'v.db'));
      await a.createSession({ ...base, sid: 'd1', nonce: 'n' });
      await a.claimAttempt('d1', 'n', 200, bind('n'));
      await a.finalize('d1', 'n', { status: 2, summary, verdict: 'v', code: { hash: 'hd', expiresAt: 500 } }, 200);
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).redeemCode('hd', 'acme', 300)));
      expect(got.filter((x) => x === 'd1')).toHaveLength(1);
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evidence frames are accepted once across sessions; the capture key is bound on first use; one free release', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 'r1', nonce: 'a', maxAttempts: 5 });
    await s.createSession({ ...base, sid: 'r2', nonce: 'b', integrator: 'other' });
    expect(await s.claimAttempt('r1', 'a', 200, { frames: ['h1', 'h2'], keyThumb: 'k1' })).toMatchObject({ ok: true });
    // the same frame in another integrator's session: refused, and that session's nonce is not burnt
    expect(await s.claimAttempt('r2', 'b', 201, { frames: ['h9', 'h2'], keyThumb: 'k2' })).toEqual({ ok: false, code: 'EVIDENCE_REPLAYED' });
    expect(await s.claimAttempt('r2', 'b', 201, { frames: ['h9', 'h9'], keyThumb: 'k2' })).toEqual({ ok: false, code: 'EVIDENCE_REPLAYED' });
    expect(await s.claimAttempt('r2', 'b', 202, { frames: ['h9'], keyThumb: 'k2' })).toMatchObject({ ok: true });
    // first upstream failure: released (frames and nonce usable again); the second is not
    expect(await s.releaseAttempt('r1', 'a', 203)).toBe(true);
    expect(await s.claimAttempt('r1', 'a', 204, { frames: ['h1', 'h2'], keyThumb: 'k1' })).toMatchObject({ ok: true, attempt: 1 });
    expect(await s.releaseAttempt('r1', 'a', 205)).toBe(false);
    expect(await s.retryAttempt('r1', 'a', 'a2', summary, 206)).toBe(true);
    // the session's capture key is bound: another key is refused
    expect(await s.claimAttempt('r1', 'a2', 207, { frames: ['h3'], keyThumb: 'k-other' })).toEqual({ ok: false, code: 'CAPTURE_KEY_MISMATCH' });
    expect(await s.claimAttempt('r1', 'a2', 207, { frames: ['h3'], keyThumb: 'k1' })).toMatchObject({ ok: true, attempt: 2 });
    s.close();
  });

  it('score signs: a flip is reported once with the previous sign; erasure drops evidence and signs, audits, and queues its event', async () => {
    const s = openSqliteStore(':memory:');
    expect(await s.noteScoreSign('acme', 'p1', 1, 100)).toBeNull();
    expect(await s.noteScoreSign('acme', 'p1', 1, 101)).toBeNull();
    expect(await s.noteScoreSign('acme', 'p1', -1, 102)).toBe(1);
    expect(await s.noteScoreSign('acme', 'p1', -1, 103)).toBeNull();
    expect(await s.noteScoreSign('acme', 'p1', 1, 104)).toBe(-1);
    expect(await s.noteScoreSign('other', 'p1', -1, 105)).toBeNull();
    await s.createSession({ ...base, sid: 'e1', nonce: 'a' });
    await s.claimAttempt('e1', 'a', 200, bind('a'));
    await s.finalize('e1', 'a', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([1]), new Uint8Array([2])] }, 201);
    await s.createSession({ ...base, sid: 'e2', nonce: 'b', sub: 'p2' });
    await s.claimAttempt('e2', 'b', 200, bind('b'));
    await s.finalize('e2', 'b', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([3])] }, 201);
    expect(await s.eraseSubject('acme', 'p1', 'dpo', 300, { key: 'person:p1:x', e: { id: 'evt-erase', body: '{}' } })).toEqual({ sessions: 1, evidenceFrames: 2 });
    expect((await s.getSession('e1'))!.evidenceCount).toBe(0);
    expect((await s.getSession('e2'))!.evidenceCount).toBe(1);
    // the sign went with the person: the next score starts afresh
    expect(await s.noteScoreSign('acme', 'p1', -1, 301)).toBeNull();
    expect(await s.erasures('acme', 10)).toEqual([{ seq: 1, subject: 'p1', actor: 'dpo', at: 300, sessions: 1, evidenceFrames: 2 }]);
    expect((await s.deliveries('acme', 10)).map((d) => [d.eventId, d.state])).toEqual([['evt-erase', 'pending']]);
    await s.enqueueEvent('acme', 'person:p1:y', { id: 'evt-flip', body: '{}' }, 302);
    expect((await s.claimDueEvents(400, 1000, 10)).map((d) => d.id).sort()).toEqual(['evt-erase', 'evt-flip']);
    s.close();
  });

  it('retention: old records, hashes and review evidence are purged, recent ones kept', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 'old', nonce: 'o', createdAt: 100, expiresAt: 400 });
    await s.claimAttempt('old', 'o', 150, bind('o'));
    await s.finalize('old', 'o', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([1])] }, 160);
    await s.createSession({ ...base, sid: 'new', nonce: 'n', createdAt: 10_000, expiresAt: 10_300 });
    await s.claimAttempt('new', 'n', 10_010, bind('n'));
    await s.finalize('new', 'n', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([2])] }, 10_020);
    // review evidence older than 5,000 goes first; the record stays until the record cut-off
    expect(await s.purge(0, 5_000)).toMatchObject({ evidence: 1, sessions: 0 });
    expect(await s.getSession('old')).not.toBeNull();
    expect(await s.getEvidence('old', 0)).toBeNull();
    expect(await s.purge(5_000, 5_000)).toMatchObject({ sessions: 1, nonces: 1, frames: 2 });
    expect(await s.getSession('old')).toBeNull();
    expect(await s.getSession('new')).not.toBeNull();
    expect(Array.from((await s.getEvidence('new', 0))!)).toEqual([2]);
    s.close();
  });
});
