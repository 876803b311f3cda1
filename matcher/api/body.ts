import type { Context } from 'hono';
import * as v from 'valibot';
import { CBOR_MEDIA_TYPE, decodeStrict, DEFAULT_MAX_CBOR_ITEMS, encodeCbor, KitError, MAX_CBOR_DEPTH } from '../../protocol/index.ts';

/** Keys whose JSON values are base64 strings standing for CBOR byte strings. */
const BYTE_KEYS = new Set(['images', 'image', 'a', 'b', 'frames', 'data']);

function fromBase64(x: unknown): Uint8Array {
  if (typeof x !== 'string' || !/^[A-Za-z0-9+/=_-]*$/.test(x)) throw new KitError('SCHEMA_VIOLATION', 'byte fields must be base64 strings in JSON');
  return new Uint8Array(Buffer.from(x, 'base64'));
}

/** JSON bodies: same strictness as CBOR (depth, no prototype keys), base64 for byte strings. */
function reviveJson(x: unknown, key: string | null, depth: number): unknown {
  if (depth > MAX_CBOR_DEPTH) throw new KitError('MALFORMED_BODY', 'JSON nesting too deep');
  if (key !== null && BYTE_KEYS.has(key)) {
    if (Array.isArray(x)) return x.map((e) => fromBase64(e));
    return fromBase64(x);
  }
  if (Array.isArray(x)) return x.map((e) => reviveJson(e, null, depth + 1));
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new KitError('MALFORMED_BODY', 'forbidden map key');
      out[k] = reviveJson((x as Record<string, unknown>)[k], k, depth + 1);
    }
    return out;
  }
  return x;
}

/**
 * JSON's twin of the CBOR header scan: counts values (`[`, `{`, `,`, `:` outside strings) and
 * nesting before JSON.parse, so `[{},{},…]` cannot turn 10 MB into millions of objects.
 */
function checkJsonShape(buf: Uint8Array, maxItems: number): void {
  let items = 1, depth = 0, inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) { items++; if (++depth > MAX_CBOR_DEPTH) throw new KitError('MALFORMED_BODY', 'JSON nesting too deep'); }
    else if (b === 0x5d || b === 0x7d) depth--;
    else if (b === 0x2c || b === 0x3a) items++;
    if (items > maxItems) throw new KitError('MALFORMED_BODY', `JSON over ${maxItems} values`);
  }
}

/**
 * The raw body, at most `maxBytes`: read as a stream and abandoned the moment the count passes the
 * limit, so a chunked body without Content-Length is never buffered beyond it.
 */
export async function readLimited(c: Context, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new KitError('BODY_TOO_LARGE', `body over ${maxBytes} bytes`);
  const len = Number(c.req.header('content-length') ?? '0');
  if (len > maxBytes) throw tooLarge();
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > maxBytes) {
      // the node adapter drains (bounded) or closes the connection once the answer is sent
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const x of chunks) { out.set(x, at); at += x.byteLength; }
  return out;
}

/** Reads, decodes (strict CBOR or JSON) and validates a request body against a schema. */
export async function readBody<S extends v.GenericSchema>(c: Context, schema: S, maxBytes: number): Promise<v.InferOutput<S>> {
  const type = (c.req.header('content-type') ?? CBOR_MEDIA_TYPE).split(';')[0].trim().toLowerCase();
  if (type !== CBOR_MEDIA_TYPE && type !== 'application/json') throw new KitError('UNSUPPORTED_MEDIA_TYPE', 'send application/cbor or application/json');
  const buf = await readLimited(c, maxBytes);
  let raw: unknown;
  if (type === 'application/json') {
    if (!buf.byteLength) throw new KitError('MALFORMED_BODY', 'empty body');
    checkJsonShape(buf, DEFAULT_MAX_CBOR_ITEMS);
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf));
    } catch {
      throw new KitError('MALFORMED_BODY', 'body is not valid JSON');
    }
    raw = reviveJson(raw, null, 0);
  } else {
    raw = decodeStrict(buf, { maxBytes, maxItems: DEFAULT_MAX_CBOR_ITEMS });
  }
  const r = v.safeParse(schema, raw);
  if (!r.success) {
    const i = r.issues[0];
    throw new KitError('SCHEMA_VIOLATION', `${v.getDotPath(i) ?? 'body'}: ${i.message}`.slice(0, 200));
  }
  return r.output;
}

export function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  if (accept.includes(CBOR_MEDIA_TYPE)) return false;
  return accept.includes('application/json') || (c.req.header('content-type') ?? '').startsWith('application/json');
}

function toJsonable(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('base64');
  if (Array.isArray(x)) return x.map(toJsonable);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, toJsonable(y)]));
  return x;
}

/** Answers in CBOR, or JSON when the client asks for it (Accept, or a JSON request body). */
export function reply(c: Context, status: number, body: unknown, extra: Record<string, string> = {}): Response {
  const headers = new Headers(extra);
  if (wantsJson(c)) {
    headers.set('content-type', 'application/json');
    return new Response(JSON.stringify(toJsonable(body)), { status, headers });
  }
  headers.set('content-type', CBOR_MEDIA_TYPE);
  return new Response(Buffer.from(encodeCbor(dropUndefined(body))), { status, headers });
}

function dropUndefined(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(dropUndefined);
  if (x !== null && typeof x === 'object' && !(x instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(x).filter(([, y]) => y !== undefined).map(([k, y]) => [k, dropUndefined(y)]));
  }
  return x;
}
