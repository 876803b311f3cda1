/**
 * The matcher's reference-image features over HTTP (real matcher, embedded store): ISO/IEC
 * 19794-5 face image records in and out, ICAO quality checks with an enrolment policy, and the
 * PDF identity report read back with a PDF text extractor.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor } from '../matcher/extraction/extractor.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { call } from '../matcher/testing/client.ts';
import { fixture } from './lib/fixtures.ts';

const lfw = (p: string) => new Uint8Array(readFileSync(fixture(`faces/lfw/${p}`)));
const AL1 = lfw('Al_Pacino/Al_Pacino_0001.jpg');
const AL2 = lfw('Al_Pacino/Al_Pacino_0003.jpg');
const AA1 = lfw('Aaron_Peirsol/Aaron_Peirsol_0001.jpg');

/** A one-image 19794-5 record built byte by byte from the standard's layout (not with the project's writer). */
function handRecord(image: Uint8Array, width: number, height: number): Uint8Array {
  const facial = 20 + 12 + image.length;
  const total = 14 + facial;
  const b = Buffer.alloc(total);
  b.write('FAC\0', 0, 'latin1'); b.write('010\0', 4, 'latin1');
  b.writeUInt32BE(total, 8); b.writeUInt16BE(1, 12);
  // facial information: length, 0 feature points, gender/eyes/hair unspecified, no mask, neutral expression (1), pose unspecified
  b.writeUInt32BE(facial, 14); b.writeUInt16BE(0, 18); b.writeUInt16BE(1, 25);
  // image information: full frontal (1), JPEG (0), width, height, RGB (1), digital camera (2), device 0, quality 0
  const ii = 14 + 20;
  b[ii] = 1; b[ii + 1] = 0; b.writeUInt16BE(width, ii + 2); b.writeUInt16BE(height, ii + 4); b[ii + 6] = 1; b[ii + 7] = 2;
  Buffer.from(image).copy(b, ii + 12);
  return new Uint8Array(b);
}

let m: RunningMatcher;
const tmp = mkdtempSync(path.join(tmpdir(), 'matcher-records-'));
beforeAll(async () => {
  m = await startMatcher({ port: 0, store: `sqlite:${path.join(tmp, 'r.db')}`, extractor: await createExtractor(), waitReady: true });
});
afterAll(async () => {
  await m?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('ISO/IEC 19794-5 face image records', () => {
  it('a record built from the layout enrols and verifies at the same score as its JPEG', async () => {
    const rec = handRecord(AL1, 250, 250);
    expect((await call(m, 'PUT', '/persons/iso-al', { images: [rec] })).status).toBe(201);
    expect((await call(m, 'PUT', '/persons/jpeg-al', { images: [AL1] })).status).toBe(201);
    const viaRecord = (await call(m, 'POST', '/persons/iso-al/verify', { images: [AL2] })).body;
    const viaJpeg = (await call(m, 'POST', '/persons/jpeg-al/verify', { images: [AL2] })).body;
    expect(viaRecord).toBeGreaterThanOrEqual(50);
    expect(viaRecord).toBeCloseTo(viaJpeg, 6);
    // and as the probe
    expect((await call(m, 'POST', '/persons/jpeg-al/verify', { images: [handRecord(AL2, 250, 250)] })).body).toBeCloseTo(viaJpeg, 6);
  });

  it('a truncated or inconsistent record gets 400 FACE_RECORD_INVALID naming the ISO check', async () => {
    const rec = handRecord(AL1, 250, 250);
    const truncated = rec.slice(0, rec.length - 10);
    const r1 = await call(m, 'PUT', '/persons/iso-bad', { images: [truncated] });
    expect(r1.status).toBe(400);
    expect(r1.body.code).toBe('FACE_RECORD_INVALID');
    expect(r1.body.message).toMatch(/ISO_LENGTH_MISMATCH|ISO_TRUNCATED/);
    const wrongType = rec.slice();
    wrongType[14 + 20 + 1] = 7; // image data type 7
    const r2 = await call(m, 'POST', '/persons/jpeg-al/verify', { images: [wrongType] });
    expect(r2.status).toBe(400);
    expect(r2.body).toMatchObject({ code: 'FACE_RECORD_INVALID' });
    expect(r2.body.message).toContain('ISO_BAD_FIELD');
    expect((await call(m, 'GET', '/persons/iso-bad')).status).toBe(404);
  });

  it('export → import round-trips byte for byte', async () => {
    const exported = await call(m, 'GET', '/persons/jpeg-al/images/0?format=iso19794-5');
    expect(exported.status).toBe(200);
    expect(Buffer.from(exported.raw.subarray(0, 8)).toString('latin1')).toBe('FAC\u0000010\u0000');
    expect((await call(m, 'PUT', '/persons/iso-back', { images: [exported.raw] })).status).toBe(201);
    const again = await call(m, 'GET', '/persons/iso-back/images/0?format=iso19794-5');
    expect(Buffer.from(again.raw).equals(Buffer.from(exported.raw))).toBe(true);
    expect(Buffer.from((await call(m, 'GET', '/persons/iso-back/images/0')).raw).equals(Buffer.from(exported.raw))).toBe(true);
    // the hand-built record comes back exactly as it was sent
    expect(Buffer.from((await call(m, 'GET', '/persons/iso-al/images/0?format=iso19794-5')).raw).equals(Buffer.from(handRecord(AL1, 250, 250)))).toBe(true);
  });
});

describe('ICAO quality checks', () => {
  let twoFaces: Uint8Array;
  beforeAll(async () => {
    twoFaces = new Uint8Array(await sharp({ create: { width: 500, height: 250, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .composite([{ input: Buffer.from(AL1), left: 0, top: 0 }, { input: Buffer.from(AA1), left: 250, top: 0 }]).jpeg().toBuffer());
  });

  it('every reference image reports its checks; the default policy warns', async () => {
    const r = await call(m, 'PUT', '/persons/q-al', { images: [AL1] });
    expect(r.status).toBe(201);
    const names = r.body.quality[0].checks.map((c: { check: string }) => c.check);
    expect(names).toEqual(['SINGLE_FACE', 'FRONTAL_POSE', 'EYES_OPEN', 'LIGHTING', 'NO_GLASSES_GLARE', 'RESOLUTION', 'SHARPNESS', 'UNIFORM_BACKGROUND', 'CENTRED']);
    // an LFW crop has about 40 px between the eyes: below the token image's 60, reported, enrolled
    expect(r.body.quality[0].checks.find((c: { check: string }) => c.check === 'RESOLUTION')).toMatchObject({ passed: false, policy: 'warn' });
  });

  it('an image with two faces is refused (400 QUALITY_REJECTED) and not enrolled; policy warn enrols it with the failure reported', async () => {
    const r = await call(m, 'PUT', '/persons/q-two', { images: [twoFaces] });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('QUALITY_REJECTED');
    expect(r.body.message).toContain('SINGLE_FACE');
    expect((await call(m, 'GET', '/persons/q-two')).status).toBe(404);
    const warned = await fetch(`${m.url}/persons/q-two`, {
      method: 'PUT', headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json', 'quality-policy': 'warn' },
      body: JSON.stringify({ images: [Buffer.from(twoFaces).toString('base64')] }),
    });
    expect(warned.status).toBe(201);
    const body = await warned.json();
    expect(body.quality[0].checks.find((c: { check: string }) => c.check === 'SINGLE_FACE')).toMatchObject({ passed: false, policy: 'warn' });
  });

  it('policy reject refuses an image that fails any check; an unknown policy is a 400', async () => {
    const put = (policy: string) => fetch(`${m.url}/persons/q-strict`, {
      method: 'PUT', headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json', 'quality-policy': policy },
      body: JSON.stringify({ images: [Buffer.from(AL1).toString('base64')] }),
    });
    const strict = await put('reject');
    expect(strict.status).toBe(400);
    expect((await strict.json()).message).toContain('RESOLUTION');
    expect((await put('lenient')).status).toBe(400);
  });
});

describe('PDF identity report', () => {
  it('carries the reference image, history, quality checks, duplicates with scores and the last verifications', async () => {
    expect((await call(m, 'PUT', '/persons/r-al', { images: [AL1], metadata: { name: 'Al' } })).status).toBe(201);
    expect((await call(m, 'PUT', '/persons/r-al', { images: [AL1] })).status).toBe(200);
    expect((await call(m, 'POST', '/persons/r-al/verify', { images: [AL2] })).status).toBe(200);
    expect((await call(m, 'POST', '/persons/r-al/verify', { images: [AA1] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200)); // history is written after the answer
    const r = await fetch(`${m.url}/persons/r-al/report.pdf`, { headers: { authorization: `Bearer ${m.token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const pdf = new Uint8Array(await r.arrayBuffer());
    const text = (await extractText(await getDocumentProxy(pdf.slice()), { mergePages: true })).text as string;
    for (const s of ['Relatório de identidade', 'r-al', 'Imagem de referência', 'Histórico de cadastro e atualizações', 'ENROLMENT', 'UPDATE',
      'Verificações de qualidade', 'SINGLE_FACE', 'RESOLUTION', 'Candidatos a duplicidade', 'Últimas verificações', 'APPROVE', 'DENY']) {
      expect(text, s).toContain(s);
    }
    // the duplicates found at enrolment, with their scores (jpeg-al and q-al hold the same image)
    expect(text).toMatch(/jpeg-al\s+100/);
    expect(Buffer.from(pdf).toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
    const en = await fetch(`${m.url}/persons/r-al/report.pdf?lang=en`, { headers: { authorization: `Bearer ${m.token}` } });
    const enText = (await extractText(await getDocumentProxy(new Uint8Array(await en.arrayBuffer())), { mergePages: true })).text as string;
    expect(enText).toContain('Identity report');
    const none = await fetch(`${m.url}/persons/r-nobody/report.pdf`, { headers: { authorization: `Bearer ${m.token}` } });
    expect(none.status).toBe(404);
  });
});
