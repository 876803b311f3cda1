import { describe, expect, it } from 'vitest';
import { DEMO_INTEGRATOR, configFromEnv, parseConfig } from './config.ts';

const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' };

describe('config', () => {
  it('applies documented defaults', () => {
    const c = parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR] });
    expect(c).toMatchObject({ matcherUrl: 'http://127.0.0.1:8788', livenessThreshold: 50, sessionTtlS: 300, codeTtlS: 300, webhook: { maxAttempts: 5 } });
    expect(c.integrators[0]).toMatchObject({ managerModeAfter: 5, maxAttempts: 6 });
  });
  it('reads env JSON and names the bad path without echoing values', () => {
    const raw = configFromEnv({ VERIFIER_SIGNING_KEYS: JSON.stringify([key]), VERIFIER_INTEGRATORS: JSON.stringify([{ ...DEMO_INTEGRATOR, apiKey: 'short' }]) });
    expect(() => parseConfig(raw)).toThrow(/integrators\.0\.apiKey/);
    expect(() => configFromEnv({ VERIFIER_INTEGRATORS: '{' })).toThrow(/not valid JSON/);
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], sessionTtlS: 600 })).toThrow(/sessionTtlS/);
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], codeTtlS: 301 })).toThrow(/codeTtlS/);
    expect(configFromEnv({ VERIFIER_CODE_TTL_S: '60' })).toEqual({ codeTtlS: 60 });
  });
});
