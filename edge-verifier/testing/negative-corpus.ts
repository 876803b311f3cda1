import { decodeJwt, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import { CBOR_MEDIA_TYPE, MAX_CAPTURE_BODY_BYTES, TYP, encodeCbor, type ErrorCode } from '../../protocol/index.ts';
import type { SigningKey } from '../config.ts';
import { fakeJpeg, makeCapture, rawJws, signRaw } from './make-capture.ts';

/** A running verifier as the corpus sees it: Node over HTTP, or workerd through Miniflare. */
export interface Target {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  issuer: string;
  /** the verifier's signing key: lets cases forge session tokens that differ in one field only */
  signingKey: SigningKey;
  apiKey: string;
  /** integrator with maxAttempts 2 and no manager mode */
  strictApiKey: string;
}

export async function createSession(
  t: Target,
  op = 'VERIFICATION',
  subject = 'person-1',
  apiKey = t.apiKey,
  extra: Record<string, unknown> = {},
): Promise<{ sessionId: string; sessionToken: string }> {
  // an IMAGE_UPDATE needs its justification
  const message = op === 'IMAGE_UPDATE' ? { message: 'test: new reference photo' } : {};
  const res = await t.fetch('/v1/sessions', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ operation: op, ...(op === 'IDENTIFICATION' ? {} : { subject }), ...message, ...extra }),
  });
  if (res.status !== 201) throw new Error(`session creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { sessionId: string; sessionToken: string };
}

export function postCapture(t: Target, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return t.fetch('/v1/captures', { method: 'POST', headers: { 'content-type': CBOR_MEDIA_TYPE, ...headers }, body: body as Uint8Array<ArrayBuffer> });
}

/** Re-signs a real session token's claims with changes (header, claims, key). */
async function forgeSession(
  t: Target,
  token: string,
  o: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: CryptoKey } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { ...decodeJwt(token), ...o.claims };
  const { kty, crv, x, y, d, kid } = t.signingKey;
  const key = o.key ?? ((await importJWK({ kty, crv, x, y, d }, 'ES256')) as CryptoKey);
  const header: Record<string, unknown> = { alg: 'ES256', typ: TYP.SESSION, kid, ...o.header };
  for (const k of Object.keys(header)) if (header[k] === undefined) delete header[k];
  for (const k of Object.keys(claims)) if (claims[k] === undefined) delete claims[k];
  return signRaw(header, claims, key);
}

const now = () => Math.floor(Date.now() / 1000);

/** Uploads a valid capture for a fresh session whose session token was replaced by `mutate`. */
async function withSession(t: Target, mutate: (token: string) => Promise<string>): Promise<Response> {
  const s = await createSession(t);
  const bad = await mutate(s.sessionToken);
  const cap = await makeCapture({ sessionToken: s.sessionToken });
  return postCapture(t, encodeCbor({ token: cap.token, session: bad, frames: cap.frames }));
}

/** Uploads a capture built with `opts` for a fresh session. */
async function withCapture(t: Target, opts: Omit<Parameters<typeof makeCapture>[0], 'sessionToken'>): Promise<Response> {
  const s = await createSession(t);
  const cap = await makeCapture({ sessionToken: s.sessionToken, ...opts });
  return postCapture(t, cap.body);
}

export interface NegativeCase {
  name: string;
  code: ErrorCode;
  run(t: Target): Promise<Response>;
}

const attacker = generateKeyPair('ES256', { extractable: true });

/** Every one of these must be rejected with exactly `code`, on every runtime. */
export const NEGATIVE_CORPUS: NegativeCase[] = [
  // ── session token ────────────────────────────────────────────────────────────────────────
  { name: 'session: alg none', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => rawJws({ alg: 'none', typ: TYP.SESSION }, decodeJwt(tok))) },
  {
    name: 'session: HS256 keyed with the published public key',
    code: 'SESSION_TOKEN_INVALID',
    run: async (t) => {
      const jwks = await (await t.fetch('/.well-known/jwks.json')).text();
      return withSession(t, (tok) => rawJws({ alg: 'HS256', typ: TYP.SESSION, kid: t.signingKey.kid }, decodeJwt(tok), new TextEncoder().encode(jwks)));
    },
  },
  {
    name: 'session: HS256 keyed with the raw public key coordinates',
    code: 'SESSION_TOKEN_INVALID',
    run: (t) => withSession(t, (tok) => rawJws({ alg: 'HS256', typ: TYP.SESSION, kid: t.signingKey.kid }, decodeJwt(tok), new TextEncoder().encode(t.signingKey.x + t.signingKey.y))),
  },
  { name: 'session: wrong typ', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { typ: 'JWT' } })) },
  { name: 'session: typ of a capture token', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { typ: TYP.CAPTURE } })) },
  { name: 'session: wrong aud', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { aud: 'someone-else' } })) },
  { name: 'session: wrong iss', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { iss: 'https://evil.example' } })) },
  { name: 'session: expired', code: 'SESSION_EXPIRED', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { iat: now() - 400, exp: now() - 100 } })) },
  { name: 'session: not yet valid (nbf)', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { nbf: now() + 120 } })) },
  { name: 'session: lifetime over 300 s', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { exp: now() + 3600 } })) },
  { name: 'session: crit header', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { crit: ['exp'] } })) },
  { name: 'session: jku header', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { jku: 'https://evil.example/jwks' } })) },
  { name: 'session: x5u header', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { x5u: 'https://evil.example/cert' } })) },
  {
    name: 'session: embedded attacker jwk, signed by the attacker',
    code: 'SESSION_TOKEN_INVALID',
    run: async (t) => {
      const kp = await attacker;
      const jwk = await exportJWK(kp.publicKey);
      return withSession(t, (tok) => forgeSession(t, tok, { header: { jwk }, key: kp.privateKey }));
    },
  },
  { name: 'session: our kid, attacker signature', code: 'SESSION_TOKEN_INVALID', run: async (t) => withSession(t, async (tok) => forgeSession(t, tok, { key: (await attacker).privateKey })) },
  { name: 'session: unknown kid', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { header: { kid: 'nope' } })) },
  { name: 'session: claims schema violated (challenge missing)', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, (tok) => forgeSession(t, tok, { claims: { challenge: undefined } })) },
  { name: 'session: not a JWS', code: 'SESSION_TOKEN_INVALID', run: (t) => withSession(t, async () => 'not.a.jws') },

  // ── capture token ────────────────────────────────────────────────────────────────────────
  {
    name: 'capture: alg none',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken });
      const none = await rawJws({ alg: 'none', typ: TYP.CAPTURE, jwk: cap.publicJwk }, cap.claims as unknown as Record<string, unknown>);
      return postCapture(t, encodeCbor({ token: none, session: s.sessionToken, frames: cap.frames }));
    },
  },
  {
    name: 'capture: HS256 keyed with the header public key',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken });
      const hs = await rawJws({ alg: 'HS256', typ: TYP.CAPTURE, jwk: cap.publicJwk }, cap.claims as unknown as Record<string, unknown>, new TextEncoder().encode(JSON.stringify(cap.publicJwk)));
      return postCapture(t, encodeCbor({ token: hs, session: s.sessionToken, frames: cap.frames }));
    },
  },
  { name: 'capture: wrong typ', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { typ: 'JWT' } }) },
  { name: 'capture: typ of a session token', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { typ: TYP.SESSION } }) },
  { name: 'capture: wrong aud', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { aud: 'https://other-verifier.example' } }) },
  { name: 'capture: wrong iss', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { iss: 'attacker' } }) },
  { name: 'capture: expired', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { iat: now() - 200, exp: now() - 100 } }) },
  { name: 'capture: not yet valid (nbf)', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { nbf: now() + 100 } }) },
  { name: 'capture: issued in the future', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { iat: now() + 60, exp: now() + 120 } }) },
  { name: 'capture: lifetime over 120 s', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { exp: now() + 600 } }) },
  { name: 'capture: crit header', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { crit: ['exp'] } }) },
  { name: 'capture: jku header', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { jku: 'https://evil.example/jwks' } }) },
  { name: 'capture: x5u header', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { x5u: 'https://evil.example/cert' } }) },
  { name: 'capture: x5c header', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { x5c: ['MIIB'] } }) },
  { name: 'capture: kid only, no jwk', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { jwk: undefined, kid: 'k1' } }) },
  {
    name: 'capture: jwk carries private key material (d)',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => {
      const kp = await generateKeyPair('ES256', { extractable: true });
      return withCapture(t, { keyPair: kp, header: { jwk: await exportJWK(kp.privateKey) } });
    },
  },
  {
    name: 'capture: jwk is RSA',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => withCapture(t, { header: { jwk: await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey) } }),
  },
  {
    name: 'capture: jwk is EC P-384',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => withCapture(t, { header: { jwk: await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey) } }),
  },
  { name: 'capture: jwk is a symmetric key', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }) },
  { name: 'capture: signed by a different key than its header', code: 'CAPTURE_SIGNATURE_INVALID', run: async (t) => withCapture(t, { signWith: (await attacker).privateKey }) },
  { name: 'capture: claims schema violated (camera missing)', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { camera: undefined } }) },
  { name: 'capture: claims schema violated (evidence hash malformed)', code: 'CAPTURE_TOKEN_INVALID', run: (t) => withCapture(t, { claims: { evidence: [{ role: 'best', sha256: 'x', w: 1, h: 1, t: 0 }] } }) },
  {
    name: 'capture: bound to another session',
    code: 'CAPTURE_TOKEN_INVALID',
    run: async (t) => {
      const a = await createSession(t);
      const b = await createSession(t);
      const cap = await makeCapture({ sessionToken: a.sessionToken });
      return postCapture(t, encodeCbor({ token: cap.token, session: b.sessionToken, frames: cap.frames }));
    },
  },

  // ── evidence ─────────────────────────────────────────────────────────────────────────────
  {
    name: 'evidence: tampered frame (hash mismatch)',
    code: 'EVIDENCE_HASH_MISMATCH',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken });
      const frames = cap.frames.map((f) => f.slice());
      frames[1][100] ^= 0xff;
      return postCapture(t, encodeCbor({ token: cap.token, session: s.sessionToken, frames }));
    },
  },
  {
    name: 'evidence: frames swapped',
    code: 'EVIDENCE_HASH_MISMATCH',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken });
      return postCapture(t, encodeCbor({ token: cap.token, session: s.sessionToken, frames: [cap.frames[1], cap.frames[0], cap.frames[2]] }));
    },
  },
  {
    name: 'evidence: a frame missing',
    code: 'EVIDENCE_MISSING',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken });
      return postCapture(t, encodeCbor({ token: cap.token, session: s.sessionToken, frames: cap.frames.slice(0, 2) }));
    },
  },

  // ── nonce, session, attempts ─────────────────────────────────────────────────────────────
  { name: 'nonce: not the session nonce', code: 'NONCE_MISMATCH', run: (t) => withCapture(t, { nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }) },
  {
    name: 'nonce: replay of a consumed nonce (after a failed attempt)',
    code: 'NONCE_REUSED',
    run: async (t) => {
      const s = await createSession(t);
      const cap = await makeCapture({ sessionToken: s.sessionToken, frames: [fakeJpeg('SPOOF-far'), fakeJpeg('SPOOF-best')] });
      const first = await postCapture(t, cap.body);
      const j = (await first.json()) as { status: number; retry?: unknown };
      if (first.status !== 200 || j.status !== 1 || !j.retry) throw new Error(`setup: expected a retry, got ${first.status}`);
      return postCapture(t, cap.body);
    },
  },
  {
    name: 'nonce: same nonce, fresh key and token (after a failed attempt)',
    code: 'NONCE_REUSED',
    run: async (t) => {
      const s = await createSession(t);
      const spoof = await makeCapture({ sessionToken: s.sessionToken, frames: [fakeJpeg('SPOOF')] });
      if ((await postCapture(t, spoof.body)).status !== 200) throw new Error('setup failed');
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken })).body);
    },
  },
  {
    name: 'session: reuse after completion',
    code: 'SESSION_USED',
    run: async (t) => {
      const s = await createSession(t);
      const ok = await postCapture(t, (await makeCapture({ sessionToken: s.sessionToken })).body);
      const j = (await ok.json()) as { status: number };
      if (ok.status !== 200 || j.status !== 3) throw new Error(`setup: expected completion, got ${ok.status}/${j.status}`);
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken })).body);
    },
  },
  {
    name: 'attempts: over the cap',
    code: 'ATTEMPTS_EXCEEDED',
    run: async (t) => {
      const s = await createSession(t, 'VERIFICATION', 'person-1', t.strictApiKey);
      let nonce: string | undefined;
      for (let i = 0; i < 2; i++) {
        const r = await postCapture(t, (await makeCapture({ sessionToken: s.sessionToken, nonce, frames: [fakeJpeg('SPOOF')] })).body);
        const j = (await r.json()) as { status: number; retry?: { nonce: string } };
        if (r.status !== 200) throw new Error(`setup: attempt ${i + 1} answered ${r.status}`);
        nonce = j.retry?.nonce ?? nonce;
      }
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken, nonce })).body);
    },
  },

  // ── transport ────────────────────────────────────────────────────────────────────────────
  {
    name: 'origin: not allowed for the session',
    code: 'ORIGIN_NOT_ALLOWED',
    run: async (t) => {
      const s = await createSession(t);
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken })).body, { origin: 'https://evil.example' });
    },
  },
  {
    name: 'origin: a browser upload (Sec-Fetch-Site) without an Origin header',
    code: 'ORIGIN_NOT_ALLOWED',
    run: async (t) => {
      const s = await createSession(t);
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken })).body, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' });
    },
  },
  {
    name: 'evidence: the same frame twice in one upload (a frozen feed)',
    code: 'EVIDENCE_REPLAYED',
    run: async (t) => {
      const s = await createSession(t);
      const f = fakeJpeg('twice');
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken, frames: [f, f] })).body);
    },
  },
  {
    name: 'evidence: a frame already accepted in another session',
    code: 'EVIDENCE_REPLAYED',
    run: async (t) => {
      const a = await createSession(t);
      const frames = [fakeJpeg('once-far'), fakeJpeg('once-best')];
      const first = await postCapture(t, (await makeCapture({ sessionToken: a.sessionToken, frames })).body);
      if (first.status !== 200) throw new Error(`setup: first capture answered ${first.status}`);
      const b = await createSession(t);
      return postCapture(t, (await makeCapture({ sessionToken: b.sessionToken, frames })).body);
    },
  },
  {
    name: 'evidence: frame larger than the signed size',
    code: 'EVIDENCE_DIMENSIONS',
    run: async (t) => {
      const s = await createSession(t);
      return postCapture(t, (await makeCapture({ sessionToken: s.sessionToken, frames: [fakeJpeg('big', 1024, 1920, 1080)] })).body);
    },
  },
  { name: 'body: over the size limit', code: 'BODY_TOO_LARGE', run: (t) => postCapture(t, new Uint8Array(MAX_CAPTURE_BODY_BYTES + 1)) },
  { name: 'body: not CBOR content type', code: 'UNSUPPORTED_MEDIA_TYPE', run: (t) => postCapture(t, new TextEncoder().encode('{}'), { 'content-type': 'application/json' }) },
  { name: 'body: malformed CBOR', code: 'MALFORMED_BODY', run: (t) => postCapture(t, new Uint8Array([0xbf, 0x61, 0x61])) },
  { name: 'body: upload schema violated', code: 'SCHEMA_VIOLATION', run: (t) => postCapture(t, encodeCbor({ token: 'x', session: 'y' })) },
  {
    name: 'api: session creation without an API key',
    code: 'UNAUTHORIZED',
    run: (t) => t.fetch('/v1/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'VERIFICATION', subject: 'a' }) }),
  },
  {
    name: 'api: return URL not registered',
    code: 'RETURN_URL_NOT_ALLOWED',
    run: (t) =>
      t.fetch('/v1/sessions', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ operation: 'VERIFICATION', subject: 'a', returnUrl: 'https://evil.example/r' }),
      }),
  },
];
