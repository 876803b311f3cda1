/**
 * A streaming parser of PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`):
 * 11-byte signature, flags, header extension, then tuples of (int16 field count, per field int32
 * length or −1 for NULL, bytes), ended by a field count of −1. Chunks arrive as the server sends
 * them; a tuple split across chunks waits for the rest.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export class BinaryCopyParser {
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  /** true once the trailer (field count −1) was read */
  done = false;

  /** Feeds one chunk; calls `onTuple` with each complete tuple's fields (views into the chunk: copy what you keep). */
  push(chunk: Buffer, onTuple: (fields: (Buffer | null)[]) => void): void {
    let b = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    if (!this.headerDone) {
      if (b.length < 19) { this.buf = b; return; }
      if (!b.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const ext = b.readUInt32BE(15);
      if (b.length < 19 + ext) { this.buf = b; return; }
      at = 19 + ext;
      this.headerDone = true;
    }
    for (;;) {
      if (this.done || b.length - at < 2) break;
      const n = b.readInt16BE(at);
      if (n === -1) { this.done = true; at += 2; break; }
      // walk the fields first: only a complete tuple is handed out
      let p = at + 2;
      const fields: (Buffer | null)[] = [];
      let complete = true;
      for (let i = 0; i < n; i++) {
        if (b.length - p < 4) { complete = false; break; }
        const len = b.readInt32BE(p);
        p += 4;
        if (len === -1) { fields.push(null); continue; }
        if (b.length - p < len) { complete = false; break; }
        fields.push(b.subarray(p, p + len));
        p += len;
      }
      if (!complete) break;
      onTuple(fields);
      at = p;
    }
    this.buf = at < b.length ? Buffer.from(b.subarray(at)) : Buffer.alloc(0);
    b = Buffer.alloc(0);
  }
}
