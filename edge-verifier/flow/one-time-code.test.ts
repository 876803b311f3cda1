import { describe, expect, it } from 'vitest';
import { CODE_BYTES, codeHash, isCodeShape, newCode } from './one-time-code.ts';

describe('one-time code', () => {
  it('is ≥ 128 random bits of base64url, fresh each time, with its expiry and a hash (not the code) to store', async () => {
    expect(CODE_BYTES * 8).toBeGreaterThanOrEqual(128);
    const a = await newCode(1000, 300);
    const b = await newCode(1000, 300);
    expect(a.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.code).not.toBe(b.code);
    expect(a.stored.expiresAt).toBe(1300);
    expect(a.stored.hash).toBe(await codeHash(a.code));
    expect(a.stored.hash).not.toContain(a.code);
    expect(JSON.stringify(a.stored)).not.toContain(a.code);
  });

  it('shape check refuses what no issued code can look like', () => {
    expect(isCodeShape('A'.repeat(43))).toBe(true);
    for (const bad of ['', 'short', 'a'.repeat(129), 'a'.repeat(42) + '=', 'a'.repeat(40) + '/+.', ' '.repeat(43)]) expect(isCodeShape(bad)).toBe(false);
  });
});
