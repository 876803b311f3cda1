/**
 * A streaming parser of PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`):
 * 11-byte signature, flags, header extension, then tuples of (int16 field count, per field int32
 * length or −1 for NULL, bytes), ended by a field count of −1. Chunks arrive as the server sends
 * them; a tuple split across chunks waits for the rest.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const EMPTY = Buffer.alloc(0);
/** fields per tuple this parser accepts (the store's COPYs select far fewer) */
const MAX_FIELDS = 64;

/**
 * One complete tuple as positions in `b`: field i is `b[start[i] .. start[i] + len[i])`, or NULL
 * when `len[i]` is −1. The arrays are reused for the next tuple.
 */
export type RawTuple = (b: Buffer, n: number, start: Int32Array, len: Int32Array) => void;

export class BinaryCopyParser {
  private buf: Buffer = EMPTY;
  private headerDone = false;
  private readonly start = new Int32Array(MAX_FIELDS);
  private readonly len = new Int32Array(MAX_FIELDS);
  /** true once the trailer (field count −1) was read */
  done = false;

  /** Feeds one chunk; calls `onTuple` with each complete tuple's fields (views into the chunk: copy what you keep). */
  push(chunk: Buffer, onTuple: (fields: (Buffer | null)[]) => void): void {
    this.pushRaw(chunk, (b, n, start, len) => {
      const fields: (Buffer | null)[] = [];
      for (let i = 0; i < n; i++) fields.push(len[i] < 0 ? null : b.subarray(start[i], start[i] + len[i]));
      onTuple(fields);
    });
  }

  /** push without an object per tuple or field: the cache load's form. */
  pushRaw(chunk: Buffer, onTuple: RawTuple): void {
    this.pushRange(chunk, 0, chunk.length, onTuple);
  }

  /** pushRaw of `src[from..to)` (a CopyData message's payload read in place, pg-copy-out.ts). */
  pushRange(src: Buffer, from: number, to: number, onTuple: RawTuple): void {
    let b = src, at = from, size = to;
    if (this.buf.length) {
      b = Buffer.concat([this.buf, src.subarray(from, to)]);
      at = 0;
      size = b.length;
    }
    if (!this.headerDone) {
      if (size - at < 19) { this.buf = Buffer.from(b.subarray(at, size)); return; }
      if (!b.subarray(at, at + 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const ext = b.readUInt32BE(at + 15);
      if (size - at < 19 + ext) { this.buf = Buffer.from(b.subarray(at, size)); return; }
      at += 19 + ext;
      this.headerDone = true;
    }
    const { start, len } = this;
    for (;;) {
      if (this.done || size - at < 2) break;
      const n = (b[at] << 24) >> 16 | b[at + 1];
      if (n === -1) { this.done = true; at += 2; break; }
      if (n < 0 || n > MAX_FIELDS) throw new Error(`binary COPY tuple with ${n} fields`);
      // walk the fields first: only a complete tuple is handed out
      let p = at + 2;
      let complete = true;
      for (let i = 0; i < n; i++) {
        if (size - p < 4) { complete = false; break; }
        const l = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
        p += 4;
        start[i] = p;
        len[i] = l;
        if (l === -1) continue;
        if (size - p < l) { complete = false; break; }
        p += l;
      }
      if (!complete) break;
      onTuple(b, n, start, len);
      at = p;
    }
    this.buf = at < size ? Buffer.from(b.subarray(at, size)) : EMPTY;
  }
}
