/**
 * Issue 20: BioDoc Liveness 1.0, POST /v1/liveness/image, through the real verifier and the real
 * matcher (its models: BlazeFace, FaceMesh, CenterNet, the selfie segmenter, the single-frame PAD).
 * Each pre-analysis step is made to fail with a crafted fixture image; malformed bodies get their
 * own 400 codes; the signed answer verifies against the verifier's JWKS.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../edge-verifier/node.ts';
import { testConfig } from '../edge-verifier/testing/test-config.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { encodeCbor, type LivenessImageResponse } from '../protocol/index.ts';
import { fixture } from './lib/fixtures.ts';

const ISS = 'http://verifier.test';
const KEY = 'photo-test-key-0001';
let dir: string;
let matcher: RunningMatcher;
let verifier: RunningVerifier;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-image-'));
  // two extraction worker threads: the route runs where the models live, and the photo's COCO
  // detection (phone in frame, the PAD's context) on the other, idle one (worker-pool.ts)
  matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true, workers: 2 });
  const base = testConfig({ issuer: ISS, signingKeys: [await generateSigningKey()], matcherUrl: matcher.url });
  const photo = { id: 'photo', apiKey: KEY, origins: ['http://localhost:5173'], maxAttempts: 3, liveness: { enabled: true, version: '1.0' } };
  const config = { ...base, integrators: [...base.integrators, photo], matcherToken: matcher.token, matcherTimeoutMs: 60_000 };
  verifier = await startVerifier({ port: 0, env: {}, dbPath: path.join(dir, 'verifier.db'), config });
}, 180_000);

afterAll(async () => {
  await verifier?.close();
  await matcher?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(body: unknown, o: { key?: string; cbor?: boolean; lang?: string } = {}): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${verifier.url}/v1/liveness/image`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${o.key ?? KEY}`,
      'content-type': o.cbor ? 'application/cbor' : 'application/json',
      ...(o.lang ? { 'accept-language': o.lang } : {}),
    },
    body: o.cbor ? (encodeCbor(body) as Uint8Array<ArrayBuffer>) : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const b64 = (b: Buffer) => b.toString('base64');
const REAL = () => readFileSync(fixture('spoof/real/sfas-T1.jpg'));

/** mean alpha (0–1) of a PNG's alpha channel inside a box, and over a `band`-px border */
async function alphaStats(png: Buffer, box: { x: number; y: number; w: number; h: number }, band: number): Promise<{ face: number; border: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const a = (x: number, y: number) => data[(y * info.width + x) * info.channels + info.channels - 1] / 255;
  let fs = 0, fn = 0, bs = 0, bn = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h) { fs += a(x, y); fn++; }
      if (x < band || y < band || x >= info.width - band) { bs += a(x, y); bn++; }
    }
  }
  return { face: fs / fn, border: bs / bn, channels: info.channels };
}

describe('POST /v1/liveness/image (real verifier, real matcher)', () => {
  it('a real photo passes every pre-analysis step in order, with the two images, and a signed answer', async () => {
    const r = await post({ image: b64(REAL()) });
    expect(r.status).toBe(200);
    const a = r.body as LivenessImageResponse;
    console.log(`real photo: ${a.result} ${a.confidence}; ${a.steps.map((s) => `${s.step}=${s.value}`).join(' ')}`);
    expect(a.steps.map((s) => s.step)).toEqual(['faces', 'eyes', 'photo_of_photo', 'lighting', 'distance', 'liveness']);
    expect(a.steps.slice(0, 5).every((s) => s.pass)).toBe(true);
    expect(a.evidence).toBe('single-image');
    expect(a.faces).toHaveLength(1);
    // the person cut out: alpha covers the face and leaves most of the frame's top and side border out
    const png = Buffer.from(a.images!.backgroundRemoved, 'base64');
    const s = await alphaStats(png, a.faces[0], 24);
    console.log(`background removed: alpha over the face box ${s.face.toFixed(2)}, over the 24-px top/side border ${s.border.toFixed(2)}`);
    expect(s.channels).toBe(4);
    expect(s.face).toBeGreaterThan(0.8);
    expect(s.border).toBeLessThan(0.35);
    const faces = await sharp(Buffer.from(a.images!.faces, 'base64')).metadata();
    expect([faces.format, faces.width, faces.height]).toEqual(['jpeg', 480, 640]);
    // the answer, signed: typ, issuer, the integrator as audience, the same result
    const jwks = createRemoteJWKSet(new URL(`${verifier.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(a.token, jwks, { issuer: ISS, audience: 'photo' });
    expect(protectedHeader.typ).toBe('liveness-image+jwt');
    expect(payload).toMatchObject({ result: a.result, evidence: 'single-image' });
    expect(payload.imageSha256).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('no face → FACE_NOT_FOUND; two faces → MULTIPLE_FACES with one box each on the faces image', async () => {
    const empty = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 130, b: 140 } } }).jpeg().toBuffer();
    const none = await post({ image: b64(empty) });
    expect(none.body).toMatchObject({ result: 'rejected', code: 'FACE_NOT_FOUND' });
    expect(none.body.message).toMatch(/ROSTO NÃO DETECTADO/);
    const one = await sharp(REAL()).resize(320, 427).toBuffer();
    const two = await sharp({ create: { width: 640, height: 427, channels: 3, background: '#808080' } }).composite([{ input: one, left: 0, top: 0 }, { input: one, left: 320, top: 0 }]).jpeg().toBuffer();
    const r = await post({ image: b64(two) }, { lang: 'en' });
    expect(r.body).toMatchObject({ result: 'rejected', code: 'MULTIPLE_FACES', message: 'MORE THAN ONE FACE. Send a photo of one person only.' });
    expect(r.body.faces).toHaveLength(2);
    // one green box per face on the faces image: sample each box's top edge
    const { data, info } = await sharp(Buffer.from(r.body.images.faces, 'base64')).raw().toBuffer({ resolveWithObject: true });
    for (const f of r.body.faces as { x: number; y: number; w: number }[]) {
      const at = (Math.round(f.y) * info.width + Math.round(f.x + f.w / 2)) * info.channels;
      const [R, G, B] = [data[at], data[at + 1], data[at + 2]];
      expect(G - Math.max(R, B), `box edge at ${f.x},${f.y}: ${R},${G},${B}`).toBeGreaterThan(80);
    }
    expect(r.body.steps).toEqual([{ step: 'faces', pass: false, code: 'MULTIPLE_FACES', value: 2 }]);
    expect(r.body.images.faces.length).toBeGreaterThan(1000);
  });

  it('a phone held up in the frame, showing a face, is rejected before liveness', async () => {
    const r = await post({ image: b64(readFileSync(fixture('more/spoof2/phone_in_frame/lwfas_demo_phone_held.jpg'))) });
    console.log(`phone held: ${r.body.code} after ${r.body.steps.map((s: { step: string }) => s.step).join(', ')}`);
    expect(r.body.result).toBe('rejected');
    expect(['MULTIPLE_FACES', 'PHONE_IN_FRAME']).toContain(r.body.code);
  });

  it('eyes covered → EYES_NOT_VISIBLE; too dark → TOO_DARK; without pre-analysis the dark photo still gets a liveness answer', async () => {
    const f = (await post({ image: b64(REAL()) })).body.faces[0] as { x: number; y: number; w: number; h: number };
    // a band of tape across both eyes (the upper part of the face box)
    const tape = await sharp({ create: { width: Math.round(f.w * 0.9), height: Math.round(f.h * 0.25), channels: 3, background: '#202020' } }).png().toBuffer();
    const covered = await sharp(REAL()).composite([{ input: tape, left: Math.round(f.x + f.w * 0.05), top: Math.round(f.y + f.h * 0.25) }]).jpeg().toBuffer();
    const eyes = await post({ image: b64(covered) });
    console.log(`eyes covered: ${eyes.body.code} after ${eyes.body.steps.map((s: { step: string }) => s.step).join(', ')}`);
    expect(eyes.body).toMatchObject({ result: 'rejected', code: 'EYES_NOT_VISIBLE' });
    const dark = await sharp(REAL()).linear(0.35, 0).jpeg().toBuffer();
    const d = await post({ image: b64(dark) });
    console.log(`dark: ${d.body.code} after ${d.body.steps.map((s: { step: string; value?: number }) => `${s.step}=${s.value}`).join(', ')}`);
    expect(d.body).toMatchObject({ result: 'rejected', code: 'TOO_DARK' });
    expect(d.body.steps.map((s: { step: string }) => s.step)).toEqual(['faces', 'eyes', 'photo_of_photo', 'lighting']);
    // pre-analysis off: the taped photo that failed the eyes step still gets a liveness answer
    const skipped = await post({ image: b64(covered), preAnalysis: false });
    expect(skipped.status).toBe(200);
    expect(skipped.body.steps.map((s: { step: string }) => s.step)).toEqual(['liveness']);
    expect(['real', 'not_live']).toContain(skipped.body.result);
    const off = await post({ image: b64(dark), preAnalysis: false });
    expect(off.status).toBe(200);
    expect(off.body.steps.map((s: { step: string }) => s.step)).toEqual(['liveness']);
    expect(['real', 'not_live']).toContain(off.body.result);
    expect(typeof off.body.confidence).toBe('number');
    expect(off.body.images).toBeUndefined();
  });

  it('distance: a small face is too far for a phone but fine for a desktop webcam; an EXIF focal length is used when present', async () => {
    const wide = await sharp(REAL()).extend({ top: 384, bottom: 384, left: 288, right: 288, background: '#7f7f7f' }).jpeg().toBuffer();
    const mobile = await post({ image: b64(wide), device: 'mobile' });
    const desktop = await post({ image: b64(wide), device: 'desktop' });
    const dist = (r: { body: Record<string, any> }) => r.body.steps.find((s: { step: string }) => s.step === 'distance');
    console.log(`distance: mobile ${JSON.stringify(dist(mobile))}; desktop ${JSON.stringify(dist(desktop))}`);
    expect(dist(mobile)).toMatchObject({ pass: false, code: 'TOO_FAR' });
    expect(mobile.body).toMatchObject({ result: 'rejected', code: 'TOO_FAR' });
    expect(dist(desktop)).toMatchObject({ pass: true });
    // a 100 mm-equivalent lens: the same face width means a much farther face
    const tele = await sharp(REAL()).withExif({ IFD2: { FocalLengthIn35mmFilm: '100' } }).jpeg().toBuffer();
    const t = await post({ image: b64(tele), device: 'desktop' });
    console.log(`EXIF 100 mm: ${JSON.stringify(dist(t))}`);
    expect(dist(t).detail).toMatch(/EXIF/);
    expect(dist(t).value).toBeGreaterThan((dist(await post({ image: b64(REAL()), device: "desktop" })) as { value: number }).value * 2);
  });

  it('malformed requests: each a 400 with its own code, before any matcher work', async () => {
    const png = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#000' } }).png().toBuffer();
    const cases: [unknown, string, { cbor?: boolean }?][] = [
      ['[1,2', 'MALFORMED_BODY'],
      [[1, 2], 'MALFORMED_BODY'],
      [{}, 'IMAGE_MISSING'],
      [{ image: '' }, 'IMAGE_MISSING'],
      [{ image: 'not base64!!' }, 'IMAGE_BASE64_INVALID'],
      [{ image: 12 }, 'IMAGE_BASE64_INVALID'],
      [{ image: b64(Buffer.from('hello, not an image')) }, 'IMAGE_UNDECODABLE'],
      [{ image: b64(png) }, 'IMAGE_TOO_SMALL'],
      [{ image: b64(REAL()), device: 'toaster' }, 'SCHEMA_VIOLATION'],
      [{ image: b64(REAL()), preAnalysis: 'yes' }, 'SCHEMA_VIOLATION'],
      [{ image: b64(REAL()), extra: 1 }, 'SCHEMA_VIOLATION'],
    ];
    for (const [body, code, o] of cases) {
      const r = await post(body, o);
      expect([r.status, r.body.code], JSON.stringify(body).slice(0, 60)).toEqual([400, code]);
    }
    const cbor = await post({ image: b64(REAL()), preAnalysis: false }, { cbor: true });
    expect(cbor.status).toBe(200);
    const bad = await fetch(`${verifier.url}/v1/liveness/image`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(bad.status).toBe(415);
    // an integrator on the video product (2.0) is refused here
    expect((await post({ image: b64(REAL()) }, { key: 'acme-test-key-0001' })).body.code).toBe('LIVENESS_DISABLED');
    expect((await post({ image: b64(REAL()) }, { key: 'nobody-0000000000' })).status).toBe(401);
  });
});
