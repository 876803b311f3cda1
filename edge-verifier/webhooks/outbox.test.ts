import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Integrator } from '../config.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { retryDelayMs, sendDue } from './outbox.ts';

const hooked = { id: 'acme', webhookUrl: 'https://hooks.example/x', webhookSecret: 'acme-webhook-secret-0001' } as Integrator;
const summary = { liveness: 0, hasBiometry: false, reasons: ['CANCELLED'] };

async function storeWithEvents(n: number) {
  const s = openSqliteStore(':memory:');
  for (let i = 0; i < n; i++) {
    await s.createSession({ sid: `s${i}`, integrator: 'acme', op: 'VERIFICATION', sub: 'p', nonce: `n${i}`, maxAttempts: 2, createdAt: 1, expiresAt: 1000 });
    await s.cancel(`s${i}`, { summary, verdict: 'v', event: { id: `evt-${i}`, body: `{"i":${i}}` } }, 2, false);
  }
  return s;
}

describe('outbox sender', () => {
  it('exponential backoff, capped at an hour', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, 500))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(40, 500)).toBe(3_600_000);
  });

  it('delivers signed events with their id; a failure is retried later, then given up after maxAttempts', async () => {
    const s = await storeWithEvents(2);
    let t = 10_000;
    const sent: { id: string; ok: boolean }[] = [];
    const fetchFn = (async (_u: unknown, init?: RequestInit) => {
      const h = init!.headers as Record<string, string>;
      const body = String(init!.body);
      expect(h['X-Liveness-Signature']).toBe('sha256=' + createHmac('sha256', hooked.webhookSecret!).update(`${h['X-Liveness-Timestamp']}.${body}`).digest('hex'));
      const ok = body === '{"i":0}';
      sent.push({ id: h['X-Liveness-Event-Id'], ok });
      return new Response(null, { status: ok ? 200 : 503 });
    }) as typeof fetch;
    const deps = { store: s, integrator: async () => hooked, opts: { maxAttempts: 3, baseDelayMs: 1000, timeoutMs: 500 }, fetch: fetchFn, now: () => 5, nowMs: () => t };
    expect(await sendDue(deps)).toBe(2);
    expect(sent.map((x) => x.id).sort()).toEqual(['evt-0', 'evt-1']);
    // not due yet: the failed one waits for its backoff
    t += 999;
    expect(await sendDue(deps)).toBe(0);
    t += 1;
    expect(await sendDue(deps)).toBe(1);
    t += 2000;
    expect(await sendDue(deps)).toBe(1);
    t += 1e9;
    expect(await sendDue(deps)).toBe(0);
    expect(sent.filter((x) => x.id === 'evt-0')).toHaveLength(1);
    const view = Object.fromEntries((await s.deliveries('acme', 10)).map((d) => [d.eventId, [d.state, d.attempts, d.lastError]]));
    expect(view).toEqual({ 'evt-0': ['delivered', 1, null], 'evt-1': ['failed', 3, 'HTTP_503'] });
  });

  it('an integrator without a webhook any more: the event is closed as NO_WEBHOOK_CONFIGURED, nothing is sent', async () => {
    const s = await storeWithEvents(1);
    let calls = 0;
    const deps = { store: s, integrator: async () => ({ id: 'acme' }) as Integrator, opts: { maxAttempts: 3, baseDelayMs: 10, timeoutMs: 500 }, fetch: (async () => { calls++; return new Response(); }) as typeof fetch, now: () => 5 };
    expect(await sendDue(deps)).toBe(1);
    expect(calls).toBe(0);
    expect((await s.deliveries('acme', 10))[0]).toMatchObject({ state: 'failed', lastError: 'NO_WEBHOOK_CONFIGURED' });
  });
});
