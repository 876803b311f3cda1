import { decode, encode } from 'cborg';
import { KitError } from './errors.ts';

export const DEFAULT_MAX_CBOR_BYTES = 10 * 1024 * 1024;
export const MAX_CBOR_DEPTH = 16;

function depthOk(x: unknown, depth: number): boolean {
  if (depth > MAX_CBOR_DEPTH) return false;
  if (x instanceof Uint8Array || x === null || typeof x !== 'object') return true;
  const values = Array.isArray(x) ? x : Object.values(x);
  return values.every((y) => depthOk(y, depth + 1));
}

/**
 * Strict CBOR decoding for anything that arrives from outside a process: size limit, nesting
 * limit, no duplicate map keys, no tags, no undefined, string map keys only, no `__proto__`.
 * Throws KitError('MALFORMED_BODY' | 'BODY_TOO_LARGE').
 */
export function decodeStrict(bytes: Uint8Array, maxBytes = DEFAULT_MAX_CBOR_BYTES): unknown {
  if (bytes.byteLength > maxBytes) throw new KitError('BODY_TOO_LARGE', `body over ${maxBytes} bytes`);
  if (bytes.byteLength === 0) throw new KitError('MALFORMED_BODY', 'empty body');
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
    throw new KitError('MALFORMED_BODY', 'body is not valid strict CBOR');
  }
  if (!depthOk(out, 0)) throw new KitError('MALFORMED_BODY', 'CBOR nesting too deep');
  if (hasProtoKey(out)) throw new KitError('MALFORMED_BODY', 'forbidden map key');
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

export const CBOR_MEDIA_TYPE = 'application/cbor';
