import type { SigningKey } from '../config.ts';

/** Integrators used by the tests and the bench (no secrets of any deployment). */
export function testIntegrators(o: { webhookUrl?: string } = {}) {
  return [
    {
      id: 'acme',
      apiKey: 'acme-test-key-0001',
      origins: ['http://localhost:5173', 'http://127.0.0.1:5174'],
      returnUrls: ['http://localhost:5173/return.html'],
      webhookSecret: 'acme-webhook-secret-0001',
      ...(o.webhookUrl ? { webhookUrl: o.webhookUrl } : {}),
      managerModeAfter: 2,
      maxAttempts: 4,
    },
    { id: 'strict', apiKey: 'strict-test-key-0001', origins: ['http://localhost:5173'], managerModeAfter: 0, maxAttempts: 2 },
  ];
}

/** Raw (unvalidated) config for a test verifier. */
export function testConfig(o: { issuer: string; signingKeys: SigningKey[]; matcherUrl: string; webhookUrl?: string }) {
  return {
    issuer: o.issuer,
    signingKeys: o.signingKeys,
    integrators: testIntegrators(o),
    matcherUrl: o.matcherUrl,
    matcherTimeoutMs: 3000,
    webhook: { maxAttempts: 5, baseDelayMs: 20, timeoutMs: 2000 },
    rateLimits: { apiKey: { capacity: 10_000, refillPerSec: 1000 }, session: { capacity: 50, refillPerSec: 10 } },
  };
}
