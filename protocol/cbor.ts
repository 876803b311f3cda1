import { decode, encode } from 'cborg';
import { KitError } from './errors.ts';

/** Largest CBOR body `decodeStrict` accepts by default (bytes). */
export const DEFAULT_MAX_CBOR_BYTES = 10 * 1024 * 1024;
/** Deepest nesting accepted: the top-level item is depth 0. */
export const MAX_CBOR_DEPTH = 16;
/** Most data items (map keys included) accepted by default; our largest legitimate bodies hold a few hundred. */
export const DEFAULT_MAX_CBOR_ITEMS = 10_000;

/** Limits of `decodeStrict`; every field has the default named beside it. */
export interface CborLimits {
  /** whole body (DEFAULT_MAX_CBOR_BYTES) */
  maxBytes?: number;
  /** data items, map keys included (DEFAULT_MAX_CBOR_ITEMS) */
  maxItems?: number;
  /** any single byte or text string (default: maxBytes) */
  maxFieldBytes?: number;
}

const malformed = (why: string) => new KitError('MALFORMED_BODY', why);

/**
 * Walks the CBOR item headers without building anything, so a small body that would decode into
 * millions of objects (8 MB of empty maps) is refused in microseconds: counts items, tracks depth,
 * and checks every declared length against the bytes actually present. Definite lengths only.
 */
function scanHeaders(bytes: Uint8Array, maxItems: number, maxFieldBytes: number): void {
  const end = bytes.byteLength;
  const open: number[] = []; // children still expected by each open array/map
  let pending = 0; // children declared but not yet started: each needs at least one more byte
  let pos = 0;
  let items = 0;
  do {
    if (pos >= end) throw malformed('CBOR truncated');
    if (++items > maxItems) throw malformed(`CBOR over ${maxItems} items`);
    if (open.length > MAX_CBOR_DEPTH) throw malformed('CBOR nesting too deep');
    if (open.length) pending--;
    const ib = bytes[pos++];
    const major = ib >> 5;
    const ai = ib & 31;
    let arg = ai;
    if (ai >= 24) {
      if (ai > 27) throw malformed('CBOR indefinite length or reserved header');
      const n = 1 << (ai - 24);
      if (pos + n > end) throw malformed('CBOR truncated');
      arg = 0;
      // 8-byte arguments lose precision above 2^53: only ever compared with far smaller limits
      for (let i = 0; i < n; i++) arg = arg * 256 + bytes[pos + i];
      pos += n;
    }
    let children = 0;
    if (major === 2 || major === 3) {
      if (arg > end - pos) throw malformed('CBOR string runs past the end of the body');
      if (arg > maxFieldBytes) throw new KitError('BODY_TOO_LARGE', `CBOR string over ${maxFieldBytes} bytes`);
      pos += arg;
    } else if (major === 4) children = arg;
    else if (major === 5) children = arg * 2;
    else if (major === 6) throw malformed('CBOR tags are not accepted');
    if (children > 0) {
      pending += children;
      if (pending > end - pos) throw malformed('CBOR container runs past the end of the body');
      open.push(children);
    } else {
      // a complete item: close every container it completes
      while (open.length) {
        if (--open[open.length - 1] > 0) break;
        open.pop();
      }
    }
  } while (open.length);
  if (pos !== end) throw malformed('trailing bytes after the CBOR item');
}

/**
 * Strict CBOR decoding for anything that arrives from outside a process: size, item, field and
 * nesting limits checked before decoding, no duplicate map keys, no tags, no undefined, string map
 * keys only, no `__proto__`. `limits` as a number is `maxBytes`.
 * Throws KitError('MALFORMED_BODY' | 'BODY_TOO_LARGE').
 */
export function decodeStrict(bytes: Uint8Array, limits: number | CborLimits = {}): unknown {
  const l = typeof limits === 'number' ? { maxBytes: limits } : limits;
  const maxBytes = l.maxBytes ?? DEFAULT_MAX_CBOR_BYTES;
  if (bytes.byteLength > maxBytes) throw new KitError('BODY_TOO_LARGE', `body over ${maxBytes} bytes`);
  if (bytes.byteLength === 0) throw malformed('empty body');
  scanHeaders(bytes, l.maxItems ?? DEFAULT_MAX_CBOR_ITEMS, l.maxFieldBytes ?? maxBytes);
  let out: unknown;
  try {
    out = decode(bytes, {
      strict: true,
      rejectDuplicateMapKeys: true,
      allowUndefined: false,
      allowIndefinite: false,
      allowInfinity: false,
      allowNaN: false,
      allowBigInt: false,
      useMaps: false,
      tags: [],
    });
  } catch {
    throw malformed('body is not valid strict CBOR');
  }
  if (hasProtoKey(out)) throw malformed('forbidden map key');
  return out;
}

function hasProtoKey(x: unknown): boolean {
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return false;
  if (Array.isArray(x)) return x.some(hasProtoKey);
  // a `__proto__` key decoded by plain assignment swaps the prototype instead of adding a key
  if (Object.getPrototypeOf(x) !== Object.prototype) return true;
  for (const k of Object.keys(x)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return true;
    if (hasProtoKey((x as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/** Deterministic CBOR encoding (sorted map keys): the bytes that get hashed or signed. */
export function encodeCbor(x: unknown): Uint8Array {
  return encode(x);
}

/**
 * One CBOR float64 (major type 7, 0xfb), whatever the value: `encodeCbor` writes 50 as an integer,
 * and the ABIS verify answer is a floating-point score.
 */
export function encodeCborFloat(x: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xfb;
  new DataView(out.buffer).setFloat64(1, x);
  return out;
}

export const CBOR_MEDIA_TYPE = 'application/cbor';
