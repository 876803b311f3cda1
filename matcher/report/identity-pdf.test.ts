import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { extractImages, extractText, getDocumentProxy, getMeta } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../pad/fixtures.ts';
import { renderIdentityReport, type IdentityReportInput } from './identity-pdf.ts';

const JPEG = new Uint8Array(readFileSync(path.join(FIXTURES, 'faces', 'deepface', 'img4.jpg')));
const AT = Date.UTC(2025, 2, 4, 13, 7);

const full = (over: Partial<IdentityReportInput> = {}): IdentityReportInput => ({
  id: 'pessoa-7f3a',
  generatedAt: AT,
  reference: { image: JPEG, mime: 'image/jpeg' },
  galleries: ['clientes', 'funcionários'],
  history: [
    { at: Date.UTC(2025, 0, 2, 8, 0), kind: 'ENROLMENT', detail: 'cadastro inicial' },
    { at: Date.UTC(2025, 1, 10, 17, 45), kind: 'IMAGE_UPDATE' },
  ],
  quality: [
    { check: 'iluminação', passed: true, value: '0.82' },
    { check: 'óculos', passed: false, policy: 'reject' },
  ],
  duplicates: [{ id: 'dup-b', score: 12, similarity: 0.9012 }, { id: 'dup-a', score: 87, similarity: 0.9631 }],
  verifications: [{ at: Date.UTC(2025, 2, 3, 9, 30), score: 91, band: 'APPROVE' }],
  ...over,
});

const empty = (over: Partial<IdentityReportInput> = {}): IdentityReportInput =>
  ({ id: 'p-1', generatedAt: AT, reference: null, galleries: [], history: [], quality: [], duplicates: [], verifications: [], ...over });

// pdf.js may take ownership of the bytes it is given: hand it a copy each time.
const textOf = async (pdf: Uint8Array) =>
  (await extractText(await getDocumentProxy(pdf.slice()), { mergePages: true })).text as string;
const imagesOnPage1 = async (pdf: Uint8Array) => extractImages(await getDocumentProxy(pdf.slice()), 1);

// unpdf's pdf.js calls ArrayBuffer#transferToFixedLength (Node 21+) while reading the page's
// standard fonts; without it Node 20 aborts the operator list and no image is found.
const proto = ArrayBuffer.prototype as { transferToFixedLength?: unknown };
const patched = proto.transferToFixedLength === undefined;
beforeAll(() => {
  if (patched) {
    Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
      configurable: true,
      value(this: ArrayBuffer, n?: number) { return this.slice(0, n ?? this.byteLength); },
    });
  }
});
afterAll(() => { if (patched) delete proto.transferToFixedLength; });

describe('renderIdentityReport', () => {
  it('renders every section in pt-BR, in order, with the reference image on page 1', async () => {
    const pdf = await renderIdentityReport(full());
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    const text = await textOf(pdf);
    const titles = ['Relatório de identidade', 'Imagem de referência', 'Histórico de cadastro e atualizações',
      'Verificações de qualidade', 'Candidatos a duplicidade', 'Últimas verificações'];
    const at = titles.map((t) => text.indexOf(t));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('pessoa-7f3a');
    expect(text).toContain('Galerias: clientes, funcionários');
    expect(text).toContain('Gerado em: 04/03/2025 13:07 UTC');
    expect(text).toMatch(/02\/01\/2025 08:00 UTC\s+ENROLMENT\s+cadastro inicial/);
    expect(text).toMatch(/óculos\s+reprovado\s+—\s+rejeição/);
    expect(text).toMatch(/dup-a\s+87\s+0,963/);
    expect(text.indexOf('dup-a')).toBeLessThan(text.indexOf('dup-b')); // highest score first
    expect(text).toMatch(/03\/03\/2025 09:30 UTC\s+91\s+APPROVE/);
    expect(text).not.toContain('nenhum');

    const images = await imagesOnPage1(pdf);
    expect(images).toHaveLength(1);
    expect(Math.max(images[0].width, images[0].height)).toBeLessThanOrEqual(500);
  });

  it('sets the document info and is byte-for-byte reproducible', async () => {
    const [a, b] = await Promise.all([renderIdentityReport(full()), renderIdentityReport(full())]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const { info } = await getMeta(await getDocumentProxy(a.slice()), { parseDates: true });
    expect(info.Title).toBe('Relatório de identidade — pessoa-7f3a');
    expect(info.Creator).toBe('liveness-kit matcher');
    expect((info.CreationDate as Date).getTime()).toBe(AT);
  });

  it('uses English labels with language en', async () => {
    const text = await textOf(await renderIdentityReport(full({ language: 'en' })));
    for (const t of ['Identity report', 'Reference image', 'Enrolment and update history', 'Quality checks',
      'Duplicate candidates', 'Latest verifications', 'Generated at: 2025-03-04 13:07 UTC']) expect(text).toContain(t);
    expect(text).toMatch(/dup-a\s+87\s+0\.963/);
    expect(text).not.toContain('Relatório');
  });

  it('shows a none line for every empty section and no image', async () => {
    const pdf = await renderIdentityReport(empty());
    const text = await textOf(pdf);
    expect(text).toContain('sem imagem de referência');
    expect(text.match(/nenhum registro/g)).toHaveLength(5); // galleries + four tables
    expect(await imagesOnPage1(pdf)).toHaveLength(0);
    const en = await textOf(await renderIdentityReport(empty({ language: 'en' })));
    expect(en).toContain('no reference image');
    expect(en.match(/\bnone\b/g)).toHaveLength(5);
  });

  it('embeds a PNG reference (with alpha) too', async () => {
    const png = new Uint8Array(await sharp(JPEG).ensureAlpha(0.5).png().toBuffer());
    const pdf = await renderIdentityReport(empty({ reference: { image: png, mime: 'image/png' } }));
    expect(await imagesOnPage1(pdf)).toHaveLength(1);
    expect(await textOf(pdf)).not.toContain('sem imagem');
  });

  it('says so when the reference cannot be decoded', async () => {
    const bad = JPEG.slice(0, 200);
    const text = await textOf(await renderIdentityReport(empty({ reference: { image: bad, mime: 'image/jpeg' } })));
    expect(text).toContain('imagem de referência ilegível');
  });

  it('caps long lists and long or odd strings without throwing', async () => {
    const long = 'é'.repeat(400);
    const pdf = await renderIdentityReport(full({
      id: `id\n${'x'.repeat(1000)}日本`,
      galleries: Array.from({ length: 100 }, (_, i) => `galeria-${i}`),
      history: Array.from({ length: 70 }, (_, i) => ({ at: AT - i * 60_000, kind: 'AUDIT', detail: long })),
      duplicates: Array.from({ length: 60 }, (_, i) => ({ id: `dup-${i}`, score: 90 - i, similarity: Number.NaN })),
    }));
    const text = await textOf(pdf);
    expect(text).toContain('… e mais 20');
    expect(text).toContain('… e mais 10');
    expect(text).toContain('dup-49');
    expect(text).not.toContain('dup-50');
    expect(text).not.toContain('é'.repeat(121));
    expect(text).toContain(`Pessoa: id ${'x'.repeat(20)}`);
  });

  it('rejects a non-finite generatedAt', async () => {
    await expect(renderIdentityReport(empty({ generatedAt: Number.NaN }))).rejects.toThrow(TypeError);
  });
});
