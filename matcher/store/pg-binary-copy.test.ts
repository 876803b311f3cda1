import { describe, expect, it } from 'vitest';
import { BinaryCopyParser } from './pg-binary-copy.ts';

/** A binary COPY stream built from the format's description: signature, flags, extension, tuples, trailer. */
function stream(tuples: (Buffer | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.from([0, 0, 0, 0]), Buffer.from([0, 0, 0, 2]), Buffer.from([9, 9])];
  for (const t of tuples) {
    const n = Buffer.alloc(2); n.writeInt16BE(t.length);
    parts.push(n);
    for (const f of t) {
      const len = Buffer.alloc(4); len.writeInt32BE(f ? f.length : -1);
      parts.push(len);
      if (f) parts.push(f);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

describe('BinaryCopyParser', () => {
  const int4 = (x: number) => { const b = Buffer.alloc(4); b.writeInt32BE(x); return b; };
  const tuples = Array.from({ length: 50 }, (_, i) => [Buffer.from(`p${i}`), i % 7 ? int4(i) : null, Buffer.alloc(i * 3, i)]);

  it('reads every tuple, NULLs included, whatever the chunking (down to one byte at a time)', () => {
    const whole = stream(tuples);
    for (const size of [1, 2, 3, 7, 64, 1000, whole.length]) {
      const p = new BinaryCopyParser();
      const got: string[] = [];
      for (let at = 0; at < whole.length; at += size) {
        p.push(whole.subarray(at, at + size), (f) => got.push(`${f[0]!.toString()}|${f[1] ? f[1].readInt32BE(0) : 'null'}|${f[2]!.length}`));
      }
      expect(p.done).toBe(true);
      expect(got).toEqual(tuples.map((t, i) => `p${i}|${i % 7 ? i : 'null'}|${i * 3}`));
    }
  });

  it('refuses a stream without the signature', () => {
    expect(() => new BinaryCopyParser().push(Buffer.alloc(40), () => undefined)).toThrow(/binary COPY/);
  });
});
