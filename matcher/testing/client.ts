/** Tiny CBOR/JSON HTTP client for the matcher's tests. */
import { decode, encode } from 'cborg';

export interface Reply { status: number; headers: Headers; body: any; raw: Uint8Array }

/** A matcher to call: its URL and the bearer token it accepts (RunningMatcher and SpawnedMatcher fit). */
export interface MatcherTarget { url: string; token?: string }

export interface CallOptions {
  json?: boolean;
  raw?: Uint8Array;
  contentType?: string;
  accept?: string;
  /** bearer token (overrides the target's); '' sends no Authorization header */
  token?: string;
  /** extra request headers */
  headers?: Record<string, string>;
}

/** One request: `base` is a URL (no token unless `o.token`) or a target carrying its token. */
export async function call(base: string | MatcherTarget, method: string, path: string, body?: unknown, o: CallOptions = {}): Promise<Reply> {
  const url = typeof base === 'string' ? base : base.url;
  const token = o.token ?? (typeof base === 'string' ? undefined : base.token);
  const headers: Record<string, string> = { ...o.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: Uint8Array | string | undefined;
  if (o.raw) { payload = o.raw; headers['content-type'] = o.contentType ?? 'application/cbor'; }
  else if (body !== undefined) {
    if (o.json) { payload = JSON.stringify(body, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)); headers['content-type'] = 'application/json'; }
    else { payload = encode(body); headers['content-type'] = o.contentType ?? 'application/cbor'; }
  }
  if (o.accept) headers.accept = o.accept;
  const r = await fetch(url + path, { method, headers, body: payload as BodyInit | undefined });
  const raw = new Uint8Array(await r.arrayBuffer());
  const type = r.headers.get('content-type') ?? '';
  let parsed: unknown = null;
  if (raw.length) parsed = type.includes('cbor') ? decode(raw) : type.includes('json') ? JSON.parse(new TextDecoder().decode(raw)) : new TextDecoder().decode(raw);
  return { status: r.status, headers: r.headers, body: parsed, raw };
}

/** A random L2-normalised f32 template of the given model header. */
export function randomTemplate(model: { model: string; version: string; dims: number }, seed: number) {
  let x = seed * 2654435761 % 4294967296 || 1;
  const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >> 17; x ^= x << 5; x >>>= 0; return x / 4294967296 - 0.5; };
  const v = new Float32Array(model.dims);
  let s = 0;
  for (let i = 0; i < v.length; i++) { v[i] = rnd(); s += v[i] * v[i]; }
  for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(s);
  return { model: model.model, version: model.version, dims: model.dims, dtype: 'f32' as const, data: new Uint8Array(v.buffer) };
}
