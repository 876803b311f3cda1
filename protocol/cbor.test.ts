import { describe, expect, it } from 'vitest';
import { decodeStrict, encodeCbor } from './cbor.ts';
import { KitError } from './errors.ts';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof KitError ? e.code : 'OTHER';
  }
  return undefined;
};

describe('decodeStrict', () => {
  it('round-trips deterministic CBOR with byte strings', () => {
    const x = { b: new Uint8Array([1, 2, 3]), a: [1, 'x', true, null], n: 1.5 };
    expect(decodeStrict(encodeCbor(x))).toEqual(x);
    expect(encodeCbor({ b: 1, a: 2 })).toEqual(encodeCbor({ a: 2, b: 1 }));
  });

  it.each([
    ['empty body', new Uint8Array([])],
    ['truncated map', new Uint8Array([0xa2, 0x61, 0x61, 0x01])],
    ['duplicate keys', new Uint8Array([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02])],
    ['a tag', new Uint8Array([0xc1, 0x01])],
    ['undefined', new Uint8Array([0xf7])],
    ['indefinite length', new Uint8Array([0x9f, 0x01, 0xff])],
    ['__proto__ key', new Uint8Array([0xa1, 0x69, ...new TextEncoder().encode('__proto__'), 0xa0])],
    ['trailing bytes', new Uint8Array([0x01, 0x02])],
    ['non-canonical integer', new Uint8Array([0x18, 0x01])],
  ])('rejects %s as MALFORMED_BODY', (_name, bytes) => {
    expect(code(() => decodeStrict(bytes))).toBe('MALFORMED_BODY');
  });

  it('rejects deep nesting and oversize bodies', () => {
    let x: unknown = 1;
    for (let i = 0; i < 40; i++) x = [x];
    expect(code(() => decodeStrict(encodeCbor(x)))).toBe('MALFORMED_BODY');
    expect(code(() => decodeStrict(new Uint8Array(100), 10))).toBe('BODY_TOO_LARGE');
  });
});
