import { base64url as b64, decodeJwt, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import {
  CAPTURE_CLIENT_ID, TYP, encodeCbor, type CaptureClaims, type EvidenceRole,
} from '../../protocol/index.ts';
import { sha256b64url } from '../evidence/verify-hashes.ts';

/**
 * A small byte string shaped like a JPEG header (SOI, an APP0 segment carrying `tag`, a baseline
 * frame header of `w`×`h`, filler, EOI) for tests and the bench: its header reads as w×h, its
 * pixels decode to nothing. Each call is unique (random bytes after the tag), like a real frame:
 * the verifier accepts an evidence frame only once.
 */
export function fakeJpeg(tag: string, size = 1024, w = 480, h = 480): Uint8Array {
  const rnd = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => (b % 26) + 97);
  const t = new Uint8Array([...new TextEncoder().encode(tag), 0x20, ...rnd]);
  const app0 = 2 + t.length;
  const head = 2 + 2 + app0 + 2 + 17;
  const out = new Uint8Array(Math.max(size, head + 4));
  let i = 0;
  out.set([0xff, 0xd8, 0xff, 0xe0, app0 >> 8, app0 & 0xff], i);
  out.set(t, (i += 6));
  i += t.length;
  // SOF0: length 17, precision 8, height, width, 3 components
  out.set([0xff, 0xc0, 0, 17, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1], i);
  i += 19;
  for (; i < out.length - 2; i++) out[i] = (i * 31) & 0x7f;
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}

export interface MakeCaptureOptions {
  /** the session token from POST /v1/sessions */
  sessionToken: string;
  /** nonce to bind (default: the session token's; after a retry, the one the verifier returned) */
  nonce?: string;
  frames?: Uint8Array[];
  roles?: EvidenceRole[];
  /** ms since capture start of each frame (default 200 ms apart) */
  t?: number[];
  /** claimed width/height of every frame (default 480×480) */
  size?: { w: number; h: number };
  /** unix seconds (default now) */
  now?: number;
  /** merged over the default claims; a key set to undefined is removed */
  claims?: Record<string, unknown>;
  /** merged over the protected header {alg, typ, jwk} (negative tests) */
  header?: Record<string, unknown>;
  /** sign with this key instead of the one whose public JWK is in the header (negative tests) */
  signWith?: CryptoKey;
  /** sign with this ephemeral key pair (default: one per session, created on first use) */
  keyPair?: { privateKey: CryptoKey; publicKey: CryptoKey };
}

export interface MadeCapture {
  token: string;
  frames: Uint8Array[];
  claims: CaptureClaims;
  /** the CBOR body for POST /v1/captures */
  body: Uint8Array;
  publicJwk: JWK;
}

const sessionKeys = new Map<string, Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }>>();

/** One ephemeral key pair per session, as the element keeps (the verifier binds it on the first upload). */
function sessionKey(sid: string): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  let k = sessionKeys.get(sid);
  if (!k) {
    if (sessionKeys.size > 10_000) sessionKeys.clear();
    sessionKeys.set(sid, (k = generateKeyPair('ES256', { extractable: true })));
  }
  return k;
}

/**
 * Does what the browser does: an ephemeral ES256 key, its public JWK in the JWS header, claims
 * binding the session nonce and each frame's SHA-256, signed. Options break it on purpose.
 */
export async function makeCapture(o: MakeCaptureOptions): Promise<MadeCapture> {
  const session = decodeJwt(o.sessionToken) as { iss: string; sid: string; nonce: string };
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const frames = o.frames ?? [fakeJpeg('far'), fakeJpeg('near'), fakeJpeg('best')];
  const roles = o.roles ?? (['far', 'near', 'best', 'seq'] as EvidenceRole[]);
  const evidence = await Promise.all(
    frames.map(async (f, i) => ({
      role: roles[Math.min(i, roles.length - 1)],
      sha256: await sha256b64url(f),
      w: o.size?.w ?? 480,
      h: o.size?.h ?? 480,
      t: o.t?.[i] ?? i * 200,
    })),
  );
  const kp = o.keyPair ?? (await sessionKey(session.sid));
  const publicJwk = await exportJWK(kp.publicKey);
  const base: Record<string, unknown> = {
    iss: CAPTURE_CLIENT_ID,
    aud: session.iss,
    iat: now,
    exp: now + 60,
    jti: b64.encode(crypto.getRandomValues(new Uint8Array(12))),
    sid: session.sid,
    nonce: o.nonce ?? session.nonce,
    evidence,
    checks: {
      face: { pass: true, value: 1 },
      eyes: { pass: true, value: 1 },
      phone: { pass: true, value: 0 },
      lighting: { pass: true, value: 0.6 },
      distance: { pass: true, value: 0.5 },
      liveness: { pass: true, value: 90 },
    },
    camera: { virtual: false, nonCamera: false, timingAnomaly: false, width: 640, height: 480, fps: 25 },
    approach: { scaleGain: 1.45, ratioChange: 0.12 },
  };
  for (const [k, v] of Object.entries(o.claims ?? {})) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  const header = { alg: 'ES256', typ: TYP.CAPTURE, jwk: publicJwk, ...o.header };
  for (const k of Object.keys(header)) if ((header as Record<string, unknown>)[k] === undefined) delete (header as Record<string, unknown>)[k];
  const token = await signRaw(header, base, o.signWith ?? kp.privateKey);
  return { token, frames, claims: base as CaptureClaims, body: encodeCbor({ token, session: o.sessionToken, frames }), publicJwk };
}

/**
 * ES256 compact JWS over an arbitrary header, bypassing jose's own header checks (it refuses to
 * sign `crit` and friends) so negative tests can build exactly the token they need.
 */
export async function signRaw(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const enc = (x: unknown) => b64.encode(new TextEncoder().encode(JSON.stringify(x)));
  const input = `${enc(header)}.${enc(payload)}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input));
  return `${input}.${b64.encode(new Uint8Array(sig))}`;
}

/** A compact JWS assembled by hand (alg none, HS256 with a public key as secret…), for negative tests. */
export async function rawJws(header: Record<string, unknown>, payload: Record<string, unknown>, hmacSecret?: Uint8Array): Promise<string> {
  const enc = (x: unknown) => b64.encode(new TextEncoder().encode(JSON.stringify(x)));
  const input = `${enc(header)}.${enc(payload)}`;
  if (!hmacSecret) return `${input}.`;
  const key = await crypto.subtle.importKey('raw', hmacSecret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
  return `${input}.${b64.encode(sig)}`;
}
