import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from './config.ts';

describe('vision config', () => {
  it('defaults when nothing is given, deep-merges overrides', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    const c = resolveConfig({ lighting: { minFaceLuma: 50 }, distance: { devices: { phone: { hfovDeg: 75, correction: 1 } } } });
    expect(c.lighting.minFaceLuma).toBe(50);
    expect(c.lighting.maxFaceLuma).toBe(DEFAULT_CONFIG.lighting.maxFaceLuma);
    expect(c.distance.devices.phone.hfovDeg).toBe(75);
    expect(c.distance.devices.desktop).toEqual(DEFAULT_CONFIG.distance.devices.desktop);
  });

  it('rejects unknown keys and out-of-range values', () => {
    expect(() => resolveConfig({ lighting: { nope: 1 } })).toThrow();
    expect(() => resolveConfig({ face: { minScore: 2 } })).toThrow();
    expect(() => resolveConfig({ distance: { deviceClass: 'watch' } })).toThrow();
  });
});
