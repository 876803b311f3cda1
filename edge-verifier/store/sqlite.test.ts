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
    expect(await s.claimAttempt('s1', 'n1', 200, bind('n1'))).toEqual({ ok: true, attempt: 1, failedBefore: 0 });
    expect(await s.claimAttempt('s1', 'n1', 200, bind('n1'))).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.releaseAttempt('s1', 'n1', 201)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 202, bind('n1'))).toEqual({ ok: true, attempt: 1, failedBefore: 0 });
    expect(await s.retryAttempt('s1', 'n1', 'n2', summary, 203)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 204, bind('n1'))).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.claimAttempt('s1', 'n2', 204, bind('n2'))).toEqual({ ok: true, attempt: 2, failedBefore: 1 });
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
    expect(await s.review('s2', summary, 'v2', 203)).toBe(true);
    expect(await s.review('s2', summary, 'v3', 204)).toBe(false);
    expect(await s.getEvidence('s2', 0)).toBeNull();
    await s.createSession({ ...base, sid: 's3', nonce: 'b' });
    expect(await s.claimAttempt('s3', 'b', 401, bind('b'))).toEqual({ ok: false, code: 'SESSION_EXPIRED' });
    expect(await s.recordEvent('s2', 3, 'e1', '{}', 1)).toBe(true);
    expect(await s.recordEvent('s2', 3, 'e2', '{}', 2)).toBe(false);
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
