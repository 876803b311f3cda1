import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CBOR_ITEMS, MAX_CBOR_DEPTH, decodeStrict, encodeCbor } from './cbor.ts';
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

  it('refuses 8 MB of empty maps (an amplification bomb) by the header scan, before decoding', () => {
    // [ {}, {}, … ] : one 0xa0 byte decodes into one object each
    const n = 8 * 1024 * 1024 - 5;
    const bomb = new Uint8Array(n + 5).fill(0xa0);
    bomb.set([0x9a, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const t0 = performance.now();
    let err: unknown;
    try {
      decodeStrict(bomb);
    } catch (e) {
      err = e;
    }
    const ms = performance.now() - t0;
    console.log(`cbor bomb (8 MB of 0xa0) refused in ${ms.toFixed(2)} ms`);
    // the item count stops it (the decoder never builds the 8 M objects); the time is the bench's,
    // the bound here only a generous floor
    expect(err).toMatchObject({ code: 'MALFORMED_BODY', message: `CBOR over ${DEFAULT_MAX_CBOR_ITEMS} items` });
    expect(ms).toBeLessThan(2000);
  });

  it('counts items against the limit, map keys included', () => {
    const arr = (k: number) => encodeCbor(Array.from({ length: k }, () => 0));
    expect(decodeStrict(arr(DEFAULT_MAX_CBOR_ITEMS - 1))).toHaveLength(DEFAULT_MAX_CBOR_ITEMS - 1);
    expect(code(() => decodeStrict(arr(DEFAULT_MAX_CBOR_ITEMS)))).toBe('MALFORMED_BODY');
    expect(code(() => decodeStrict(encodeCbor({ a: 1, b: 2 }), { maxItems: 4 }))).toBe('MALFORMED_BODY');
    expect(decodeStrict(encodeCbor({ a: 1, b: 2 }), { maxItems: 5 })).toEqual({ a: 1, b: 2 });
  });

  it('accepts nesting up to MAX_CBOR_DEPTH and refuses one level more, without decoding', () => {
    const nest = (levels: number) => new Uint8Array([...Array(levels).fill(0x81), 0x00]);
    expect(decodeStrict(nest(MAX_CBOR_DEPTH))).toBeTruthy();
    expect(code(() => decodeStrict(nest(MAX_CBOR_DEPTH + 1)))).toBe('MALFORMED_BODY');
    // maps count as a level too
    const maps = new Uint8Array([...Array(MAX_CBOR_DEPTH + 1).fill([0xa1, 0x61, 0x6b]).flat(), 0x00]);
    expect(code(() => decodeStrict(maps))).toBe('MALFORMED_BODY');
  });

  it.each([
    ['a byte string declaring 4 GB', [0x5a, 0xff, 0xff, 0xff, 0xf0, 1, 2, 3]],
    ['a text string longer than the body', [0x65, 0x61, 0x62]],
    ['an array declaring 2^32 items', [0x9a, 0xff, 0xff, 0xff, 0xff, 0x00]],
    ['a map declaring 3 pairs with 1 present', [0xa3, 0x61, 0x61, 0x01]],
    ['nested containers that need more bytes than remain', [0x82, 0x82, 0x82, 0x00]],
    ['a cut-off argument', [0x19, 0x01]],
    ['an 8-byte length past 2^53', [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ['a reserved header', [0x1c]],
    ['an indefinite byte string', [0x5f, 0x41, 0x00, 0xff]],
  ])('refuses %s as MALFORMED_BODY', (_name, bytes) => {
    expect(code(() => decodeStrict(new Uint8Array(bytes)))).toBe('MALFORMED_BODY');
  });

  it('refuses a single string over the per-field limit', () => {
    const body = encodeCbor({ frames: [new Uint8Array(2000)] });
    expect(code(() => decodeStrict(body, { maxFieldBytes: 1999 }))).toBe('BODY_TOO_LARGE');
    expect(decodeStrict(body, { maxFieldBytes: 2000 })).toEqual({ frames: [new Uint8Array(2000)] });
  });

  it('still decodes a capture-shaped body under a tight item limit', () => {
    const frames = Array.from({ length: 16 }, (_, i) => new Uint8Array(500 * 1024).fill(i));
    const x = { token: 'a.b.c'.repeat(100), session: 's.t.u', frames };
    const t0 = performance.now();
    const out = decodeStrict(encodeCbor(x), { maxItems: 256, maxFieldBytes: 512 * 1024 }) as typeof x;
    console.log(`8 MB capture-shaped body decoded in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(out.frames).toHaveLength(16);
    expect(out.frames[15][0]).toBe(15);
  });
});
