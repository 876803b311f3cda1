import { describe, expect, it } from 'vitest';
import { configFromEnv, resolveConfig } from './config.ts';

describe('matcher config', () => {
  it('fills documented defaults', () => {
    const c = resolveConfig();
    expect(c).toMatchObject({ port: 8788, host: '127.0.0.1', store: 'sqlite:.data/matcher/matcher.db', concurrency: 2, maxQueue: 64 });
  });
  it('reads the environment and rejects invalid values', () => {
    expect(configFromEnv({ MATCHER_STORE: 'postgres://u@h/db', PORT: '9000' })).toMatchObject({ store: 'postgres://u@h/db', port: 9000 });
    expect(() => resolveConfig({ store: 'mysql://x' })).toThrow(/store/);
    expect(() => configFromEnv({ PORT: 'abc' })).toThrow(/port/);
  });
});
