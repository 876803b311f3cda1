import { describe, expect, it } from 'vitest';
import { DEMO_INTEGRATOR, configFromEnv, parseConfig } from './config.ts';

const key = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1' };

describe('config', () => {
  it('applies documented defaults', () => {
    const c = parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR] });
    expect(c).toMatchObject({ matcherUrl: 'http://127.0.0.1:8788', livenessThreshold: 50, sessionTtlS: 300, codeTtlS: 60, maxFramePixels: 1920 * 1080, challengeTurn: false, retention: { recordsDays: 30, reviewEvidenceDays: 7 }, webhook: { maxAttempts: 5 } });
    // manager mode is opt-in; one-time codes live at most 60 s
    expect(c.integrators[0]).toMatchObject({ managerModeAfter: 0, maxAttempts: 6 });
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], codeTtlS: 300 })).toThrow(/codeTtlS/);
    expect(() => parseConfig({ signingKeys: [key], integrators: [{ ...DEMO_INTEGRATOR, id: 'a:b' }] })).toThrow(/integrators\.0\.id/);
  });
  it('reads env JSON and names the bad path without echoing values', () => {
    const raw = configFromEnv({ VERIFIER_SIGNING_KEYS: JSON.stringify([key]), VERIFIER_INTEGRATORS: JSON.stringify([{ ...DEMO_INTEGRATOR, apiKey: 'short' }]) });
    expect(() => parseConfig(raw)).toThrow(/integrators\.0\.apiKey/);
    expect(() => configFromEnv({ VERIFIER_INTEGRATORS: '{' })).toThrow(/not valid JSON/);
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], sessionTtlS: 600 })).toThrow(/sessionTtlS/);
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], codeTtlS: 301 })).toThrow(/codeTtlS/);
    expect(configFromEnv({ VERIFIER_CODE_TTL_S: '60' })).toEqual({ codeTtlS: 60 });
    expect(configFromEnv({ VERIFIER_CHALLENGE_TURN: '1' })).toEqual({ challengeTurn: true });
    expect(configFromEnv({ VERIFIER_CHALLENGE_TURN: 'false' })).toEqual({ challengeTurn: false });
    expect(() => parseConfig({ signingKeys: [key], integrators: [DEMO_INTEGRATOR], ...configFromEnv({ VERIFIER_CHALLENGE_TURN: 'yes' }) })).toThrow(/challengeTurn/);
  });
  it('return URLs: http(s) pages and custom-scheme deep links register; script, data and local schemes do not', () => {
    const withReturn = (u: string) => parseConfig({ signingKeys: [key], integrators: [{ ...DEMO_INTEGRATOR, returnUrls: [u] }] });
    expect(withReturn('myapp://callback').integrators[0].returnUrls).toEqual(['myapp://callback']);
    expect(withReturn('https://shop.example/return').integrators[0].returnUrls).toEqual(['https://shop.example/return']);
    for (const bad of ['javascript://callback/%0aalert(1)', 'javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'intent://x#Intent;end', '/relative', 'https://u:p@shop.example/r']) {
      expect(() => withReturn(bad), bad).toThrow(/integrators\.0\.returnUrls\.0/);
    }
  });
  it('the demo integrator is not a default: no integrators is a valid seed (the store decides at start)', () => {
    expect(parseConfig({ signingKeys: [key] })).toMatchObject({ integrators: [], adminKeys: [], seedMode: 'missing' });
    expect(configFromEnv({ VERIFIER_ADMIN_KEYS: '[{"id":"ops","key":"k"}]', VERIFIER_SEED_MODE: 'overwrite' })).toEqual({ adminKeys: [{ id: 'ops', key: 'k' }], seedMode: 'overwrite' });
    expect(() => parseConfig({ signingKeys: [key], adminKeys: [{ id: 'ops', key: 'short' }] })).toThrow(/adminKeys\.0\.key/);
  });
});
