/**
 * `COPY … TO STDOUT (FORMAT binary)` read straight off the connection's socket, for the cache
 * load. For the length of the COPY this pg submittable takes the socket's data from pg's message
 * parser (as pg-copy-streams does), walks the backend messages itself and parses each CopyData
 * payload's tuples in place (pg-binary-copy.ts): no Buffer per message and no stream between
 * the socket and the index. After CopyDone (or at an ErrorResponse, or anything it does not
 * expect) it hands the rest of the bytes back to pg, which finishes the query as usual.
 */
import type pg from 'pg';
import { BinaryCopyParser, type RawTuple } from './pg-binary-copy.ts';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
/** messages that may come before or between CopyData: CopyOutResponse, notice, notification, parameter status */
const PASSING = new Set([0x48, 0x4e, 0x41, 0x53]);

type DataListener = (chunk: Buffer) => void;
interface PgConnection { stream: NodeJS.EventEmitter; query(text: string): void }

class CopyOut {
  private stream!: NodeJS.EventEmitter;
  private pgData: DataListener | null = null;
  private pending: Buffer | null = null;
  private readonly parser = new BinaryCopyParser();
  private failure: unknown = null;
  private settled = false;

  constructor(readonly text: string, private readonly onTuple: RawTuple, private readonly resolve: () => void, private readonly reject: (e: unknown) => void) {}

  submit(connection: PgConnection): void {
    this.stream = connection.stream;
    const listeners = this.stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) throw new Error('copyOut: the connection has no single data listener to take over');
    this.pgData = listeners[0];
    this.stream.removeListener('data', this.pgData);
    this.stream.on('data', this.onData);
    connection.query(this.text);
  }

  private readonly onData = (chunk: Buffer): void => {
    let at = 0;
    if (this.pending) {
      // a message split at the last chunk's end: completed with just the head of this one (not
      // a copy of the whole chunk)
      let p = this.pending;
      if (p.length < 5) {
        const head = Math.min(5 - p.length, chunk.length);
        p = Buffer.concat([p, chunk.subarray(0, head)]);
        at = head;
        if (p.length < 5) { this.pending = p; return; }
      }
      if (this.passes(p[0])) {
        const need = 1 + p.readUInt32BE(1) - p.length;
        if (chunk.length - at < need) { this.pending = Buffer.concat([p, chunk.subarray(at)]); return; }
        p = Buffer.concat([p, chunk.subarray(at, at + need)]);
        at += need;
      }
      this.pending = null;
      const r = this.message(p, 0);
      if (r === -1) { this.detach(Buffer.concat([p, chunk.subarray(at)])); return; }
      if (r === -3) { this.detach(chunk.subarray(at)); return; }
    }
    while (chunk.length - at >= 5) {
      const next = this.message(chunk, at);
      if (next === -2) break; // incomplete
      if (next < 0) {
        this.detach(chunk.subarray(next === -1 ? at : at + 1 + chunk.readUInt32BE(at + 1)));
        return;
      }
      at = next;
    }
    if (at < chunk.length) this.pending = Buffer.from(chunk.subarray(at));
  };

  /** Message types this reader consumes (any other ends its turn: pg parses the rest). */
  private passes(type: number): boolean {
    return type === COPY_DATA || type === COPY_DONE || PASSING.has(type);
  }

  /**
   * Handles the message at `b[at]` (≥ 5 bytes there): the offset after it; −2 when it is not all
   * in `b`; −1 when it is not ours (pg takes it from `at`); −3 after CopyDone (pg takes what
   * follows it).
   */
  private message(b: Buffer, at: number): number {
    const type = b[at];
    if (!this.passes(type)) return -1;
    const end = at + 1 + b.readUInt32BE(at + 1);
    if (end > b.length) return -2;
    if (type === COPY_DATA && !this.failure) {
      try {
        this.parser.pushRange(b, at + 5, end, this.onTuple);
      } catch (e) {
        // stop using rows; the COPY is read to its end so the connection stays usable
        this.failure = e;
      }
    }
    return type === COPY_DONE ? -3 : end;
  }

  private detach(rest: Buffer): void {
    this.stream.removeListener('data', this.onData);
    this.stream.on('data', this.pgData!);
    if (rest.length) this.pgData!(rest);
  }

  private settle(e: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (e) this.reject(e);
    else this.resolve();
  }

  // pg's side of a submittable
  handleError(e: unknown): void { this.settle(e); }
  handleCommandComplete(): void {
    if (!this.failure && !this.parser.done) this.failure = new Error('binary COPY ended without its trailer');
  }
  handleReadyForQuery(): void { this.settle(this.failure); }
  handleRowDescription(): void { this.failure ??= new Error(`not a COPY TO STDOUT: ${this.text.slice(0, 40)}`); }
  handleDataRow(): void {}
  handleEmptyQuery(): void { this.failure ??= new Error('empty query'); }
}

/** Runs the COPY on `client` and calls `onTuple` for every tuple; resolves once the query is over. */
export function copyOut(client: pg.ClientBase, sql: string, onTuple: RawTuple): Promise<void> {
  return new Promise((resolve, reject) => {
    // pg takes any object with submit() as a query
    void client.query(new CopyOut(sql, onTuple, resolve, reject) as unknown as pg.QueryConfig);
  });
}
