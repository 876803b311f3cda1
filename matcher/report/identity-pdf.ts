/**
 * A person's identity report as a PDF (served at GET /persons/{id}/report.pdf). Standard Helvetica
 * only, so text is limited to WinAnsi; nothing biometric but the reference image goes in.
 */
import PDFDocument from 'pdfkit';
import sharp from 'sharp';

export interface IdentityReportInput {
  id: string;
  /** ms epoch; also the PDF CreationDate, which makes the output byte-for-byte reproducible */
  generatedAt: number;
  language?: 'pt-BR' | 'en';
  reference: { image: Uint8Array; mime: 'image/jpeg' | 'image/png' } | null;
  galleries: string[];
  history: { at: number; kind: string; detail?: string }[];
  quality: { check: string; passed: boolean; value?: string; policy?: 'warn' | 'reject' }[];
  duplicates: { id: string; score: number; similarity: number }[];
  verifications: { at: number; score: number; band: string }[];
}

/** Layout and limits of the report. */
export const REPORT_DEFAULTS = {
  maxRows: 50,
  maxCellChars: 120,
  imageFit: [200, 250] as [number, number],
  /** the embedded copy is re-encoded at 2 px per pt, so the PDF stays small */
  imagePixels: [400, 500] as [number, number],
  /** stored references already passed the matcher's limit; this only guards a corrupt header */
  maxInputPixels: 50_000_000,
};

const LABELS = {
  'pt-BR': {
    title: 'Relatório de identidade', person: 'Pessoa', galleries: 'Galerias', generated: 'Gerado em',
    reference: 'Imagem de referência', noImage: 'sem imagem de referência', badImage: 'imagem de referência ilegível',
    history: 'Histórico de cadastro e atualizações', quality: 'Verificações de qualidade',
    duplicates: 'Candidatos a duplicidade', verifications: 'Últimas verificações', none: 'nenhum registro',
    more: (n: number) => `… e mais ${n}`,
    historyCols: ['Data', 'Tipo', 'Detalhe'], qualityCols: ['Verificação', 'Resultado', 'Valor', 'Política'],
    duplicateCols: ['Pessoa', 'Pontuação', 'Similaridade'], verificationCols: ['Data', 'Pontuação', 'Faixa'],
    passed: 'aprovado', failed: 'reprovado', warn: 'alerta', reject: 'rejeição',
  },
  en: {
    title: 'Identity report', person: 'Person', galleries: 'Galleries', generated: 'Generated at',
    reference: 'Reference image', noImage: 'no reference image', badImage: 'reference image unreadable',
    history: 'Enrolment and update history', quality: 'Quality checks',
    duplicates: 'Duplicate candidates', verifications: 'Latest verifications', none: 'none',
    more: (n: number) => `… and ${n} more`,
    historyCols: ['Date', 'Kind', 'Detail'], qualityCols: ['Check', 'Result', 'Value', 'Policy'],
    duplicateCols: ['Person', 'Score', 'Similarity'], verificationCols: ['Date', 'Score', 'Band'],
    passed: 'pass', failed: 'fail', warn: 'warn', reject: 'reject',
  },
};
type Lang = keyof typeof LABELS;

const MARGIN = 50;
const ROW = 13;
const BODY = 9;
// Besides Latin-1, the code points pdfkit maps into WinAnsi for the standard fonts.
const WIN_ANSI_EXTRA = new Set([338, 339, 352, 353, 376, 381, 382, 402, 710, 732, 8211, 8212, 8216, 8217, 8218,
  8220, 8221, 8222, 8224, 8225, 8226, 8230, 8240, 8249, 8250, 8364, 8482]);

/** Any value as one line of WinAnsi text, capped at `max` characters. */
function clean(v: unknown, max = REPORT_DEFAULTS.maxCellChars): string {
  let s = '';
  for (const ch of typeof v === 'string' ? v : v == null ? '' : String(v)) {
    const c = ch.codePointAt(0)!;
    if (s.length >= max) return s.slice(0, max - 1) + '…';
    s += c < 0x20 || (c >= 0x7f && c < 0xa0) ? ' ' : c <= 0xff || WIN_ANSI_EXTRA.has(c) ? ch : '?';
  }
  return s;
}

const pad = (n: number) => String(n).padStart(2, '0');

function date(ms: number, lang: Lang): string {
  const d = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime())) return '—';
  const [y, mo, da] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
  return lang === 'en' ? `${y}-${mo}-${da} ${hm}` : `${da}/${mo}/${y} ${hm}`;
}

function num(n: number, digits: number, lang: Lang): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  const s = Number.isInteger(n) && digits < 3 ? String(n) : n.toFixed(digits);
  return lang === 'en' ? s : s.replace('.', ',');
}

const list = <T>(v: T[] | undefined | null): T[] => (Array.isArray(v) ? v.filter((x) => x != null && typeof x === 'object') : []);

/** Re-encodes the reference as a plain JPEG: no EXIF (orientation ignored, as the matcher does), no alpha. */
async function referenceJpeg(ref: IdentityReportInput['reference']): Promise<Buffer | null> {
  if (!ref || !(ref.image instanceof Uint8Array) || ref.image.byteLength === 0) return null;
  const [w, h] = REPORT_DEFAULTS.imagePixels;
  try {
    return await sharp(ref.image, { limitInputPixels: REPORT_DEFAULTS.maxInputPixels, failOn: 'error' })
      .resize(w, h, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch {
    return null;
  }
}

/** Renders the report (history oldest first, duplicates by score, verifications newest first); throws only on a non-finite `generatedAt`. */
export async function renderIdentityReport(r: IdentityReportInput): Promise<Uint8Array> {
  if (typeof r.generatedAt !== 'number' || !Number.isFinite(r.generatedAt)) throw new TypeError('generatedAt must be a finite ms epoch');
  const lang: Lang = r.language === 'en' ? 'en' : 'pt-BR';
  const L = LABELS[lang];
  const id = clean(r.id);
  const image = await referenceJpeg(r.reference);

  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, lang, displayTitle: true,
    info: { Title: `${L.title} — ${id}`, Creator: 'liveness-kit matcher', CreationDate: new Date(r.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const ensure = (h: number) => { if (doc.y + h > bottom()) doc.addPage(); };

  /** One line of cells at fixed columns, each cut to its column's width. */
  const row = (cells: string[], cols: number[], bold = false) => {
    ensure(ROW);
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const w = cols[i] - 6;
      let s = cell;
      if (doc.widthOfString(s) > w) {
        while (s.length > 1 && doc.widthOfString(s + '…') > w) s = s.slice(0, -1);
        s += '…';
      }
      doc.text(s, x, y, { lineBreak: false });
      x += cols[i];
    });
    doc.x = MARGIN;
    doc.y = y + ROW;
  };
  const heading = (title: string) => {
    doc.y += 10;
    ensure(18 + 2 * ROW); // keep a heading with its first rows
    doc.font('Helvetica-Bold').fontSize(12).text(title, MARGIN, doc.y, { width });
    doc.y += 4;
  };
  const table = (title: string, header: string[], cols: number[], rows: string[][]) => {
    heading(title);
    if (rows.length === 0) return row([L.none], [width]);
    row(header, cols, true);
    for (const cells of rows.slice(0, REPORT_DEFAULTS.maxRows)) row(cells, cols);
    if (rows.length > REPORT_DEFAULTS.maxRows) row([L.more(rows.length - REPORT_DEFAULTS.maxRows)], [width]);
  };

  doc.font('Helvetica-Bold').fontSize(18).text(L.title, { width });
  doc.moveDown(0.5).font('Helvetica').fontSize(10);
  const names = Array.isArray(r.galleries) ? r.galleries.map((g) => clean(g)).filter(Boolean) : [];
  doc.text(`${L.person}: ${id}`, { width });
  doc.text(`${L.galleries}: ${names.length ? clean(names.join(', '), 4 * REPORT_DEFAULTS.maxCellChars) : L.none}`, { width });
  doc.text(`${L.generated}: ${date(r.generatedAt, lang)}`, { width });

  heading(L.reference);
  if (image) {
    ensure(REPORT_DEFAULTS.imageFit[1]);
    doc.image(image, MARGIN, undefined, { fit: REPORT_DEFAULTS.imageFit }); // no y: pdfkit advances doc.y by the drawn height
  } else row([r.reference ? L.badImage : L.noImage], [width]);

  const history = list(r.history).slice().sort((a, b) => a.at - b.at || 0);
  table(L.history, L.historyCols, [110, 110, width - 220],
    history.map((h) => [date(h.at, lang), clean(h.kind), clean(h.detail)]));
  table(L.quality, L.qualityCols, [170, 80, width - 330, 80], list(r.quality).map((q) => [
    clean(q.check), q.passed === true ? L.passed : L.failed, q.value == null ? '—' : clean(q.value),
    q.policy === 'warn' ? L.warn : q.policy === 'reject' ? L.reject : '—',
  ]));
  const dups = list(r.duplicates).slice().sort((a, b) => b.score - a.score || 0);
  table(L.duplicates, L.duplicateCols, [width - 200, 100, 100],
    dups.map((d) => [clean(d.id), num(d.score, 1, lang), num(d.similarity, 3, lang)]));
  const verifs = list(r.verifications).slice().sort((a, b) => b.at - a.at || 0);
  table(L.verifications, L.verificationCols, [150, 100, width - 250],
    verifs.map((v) => [date(v.at, lang), num(v.score, 1, lang), clean(v.band)]));

  doc.end();
  const out = await done;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
