import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from './sqlite.ts';

const base = { integrator: 'acme', op: 'VERIFICATION' as const, sub: 'p1', maxAttempts: 2, createdAt: 100, expiresAt: 400 };
const summary = { liveness: 10, hasBiometry: true, reasons: ['FACE_NOT_LIVE'] };

describe('sqlite store: atomic nonce check-and-set', () => {
  it('claims once, refuses replay, restores on release, rotates on retry, caps attempts', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 's1', nonce: 'n1' });
    expect(await s.claimAttempt('nope', 'n1', 200)).toEqual({ ok: false, code: 'SESSION_NOT_FOUND' });
    expect(await s.claimAttempt('s1', 'other', 200)).toEqual({ ok: false, code: 'NONCE_MISMATCH' });
    expect(await s.claimAttempt('s1', 'n1', 200)).toEqual({ ok: true, attempt: 1, failedBefore: 0 });
    expect(await s.claimAttempt('s1', 'n1', 200)).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.releaseAttempt('s1', 'n1', 201)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 202)).toEqual({ ok: true, attempt: 1, failedBefore: 0 });
    expect(await s.retryAttempt('s1', 'n1', 'n2', summary, 203)).toBe(true);
    expect(await s.claimAttempt('s1', 'n1', 204)).toEqual({ ok: false, code: 'NONCE_REUSED' });
    expect(await s.claimAttempt('s1', 'n2', 204)).toEqual({ ok: true, attempt: 2, failedBefore: 1 });
    expect(await s.finalize('s1', 'n2', { status: 5, summary, verdict: 'v' }, 205)).toBe(true);
    expect(await s.claimAttempt('s1', 'n2', 206)).toEqual({ ok: false, code: 'ATTEMPTS_EXCEEDED' });
    s.close();
  });

  it('completed and expired sessions refuse captures; review is a one-shot 2 → 3 that drops evidence', async () => {
    const s = openSqliteStore(':memory:');
    await s.createSession({ ...base, sid: 's2', nonce: 'a' });
    await s.claimAttempt('s2', 'a', 200);
    expect(await s.finalize('s2', 'a', { status: 2, summary, verdict: 'v', evidence: [new Uint8Array([1, 2, 3])] }, 201)).toBe(true);
    expect(await s.claimAttempt('s2', 'a', 202)).toEqual({ ok: false, code: 'SESSION_USED' });
    expect(Array.from((await s.getEvidence('s2', 0))!)).toEqual([1, 2, 3]);
    expect((await s.getSession('s2'))!.evidenceCount).toBe(1);
    expect(await s.review('s2', summary, 'v2', 203)).toBe(true);
    expect(await s.review('s2', summary, 'v3', 204)).toBe(false);
    expect(await s.getEvidence('s2', 0)).toBeNull();
    await s.createSession({ ...base, sid: 's3', nonce: 'b' });
    expect(await s.claimAttempt('s3', 'b', 401)).toEqual({ ok: false, code: 'SESSION_EXPIRED' });
    expect(await s.recordEvent('s2', 3, 'e1', '{}', 1)).toBe(true);
    expect(await s.recordEvent('s2', 3, 'e2', '{}', 2)).toBe(false);
    s.close();
  });

  it('one-time codes: recorded with the transition, redeemed once, only by the owner, only before expiry', async () => {
    const s = openSqliteStore(':memory:');
    const done = (sid: string, hash: string, expiresAt: number) => s.finalize(sid, sid, { status: 3, summary, verdict: 'v', code: { hash, expiresAt } }, 200);
    for (const sid of ['c1', 'c2', 'c3']) {
      await s.createSession({ ...base, sid, nonce: sid });
      await s.claimAttempt(sid, sid, 200);
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
      await a.claimAttempt('d1', 'n', 200);
      await a.finalize('d1', 'n', { status: 2, summary, verdict: 'v', code: { hash: 'hd', expiresAt: 500 } }, 200);
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).redeemCode('hd', 'acme', 300)));
      expect(got.filter((x) => x === 'd1')).toHaveLength(1);
      a.close();
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
