import { describe, expect, it } from 'vitest';
import { DEVICE_TABLE, hfovOf35mm, imageDistance } from './distance.ts';
import { focalLength35 } from './exif-focal.ts';
import { preAnalysis } from './steps.ts';

/** A minimal TIFF/EXIF block: IFD0 → Exif sub-IFD holding FocalLengthIn35mmFilm (SHORT). */
function exif(f35: number, le: boolean, header = true): Uint8Array {
  const b = new Uint8Array(64);
  const dv = new DataView(b.buffer);
  b.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  dv.setUint16(2, 42, le);
  dv.setUint32(4, 8, le);
  dv.setUint16(8, 1, le); // IFD0: one entry, ExifIFD pointer (LONG) → 26
  dv.setUint16(10, 0x8769, le); dv.setUint16(12, 4, le); dv.setUint32(14, 1, le); dv.setUint32(18, 26, le);
  dv.setUint16(26, 1, le); // Exif IFD: FocalLengthIn35mmFilm (SHORT)
  dv.setUint16(28, 0xa405, le); dv.setUint16(30, 3, le); dv.setUint32(32, 1, le); dv.setUint16(36, f35, le);
  if (!header) return b;
  const out = new Uint8Array(6 + b.length);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(b, 6);
  return out;
}

describe('single-image pre-analysis rules', () => {
  it('reads FocalLengthIn35mmFilm in both byte orders, with or without the Exif header; junk gives null', () => {
    expect(focalLength35(exif(26, true))).toBe(26);
    expect(focalLength35(exif(28, false, false))).toBe(28);
    expect(focalLength35(exif(2, true))).toBeNull(); // out of any real range
    expect(focalLength35(new Uint8Array(40).fill(7))).toBeNull();
    expect(focalLength35(exif(26, true).subarray(0, 30))).toBeNull();
    expect(focalLength35(undefined)).toBeNull();
  });

  it('distance: the same face is too far for a phone and fine for a desktop webcam; an EXIF lens changes the estimate', () => {
    // a 14.5 cm face 150 px wide in a 1056-px-wide frame
    const phone = imageDistance(150, 1056, 1408, 'mobile', null);
    const desk = imageDistance(150, 1056, 1408, 'desktop', null);
    expect(phone).toMatchObject({ pass: false, code: 'TOO_FAR', source: 'device' });
    expect(desk).toMatchObject({ pass: true, source: 'device' });
    expect(phone.cm).toBeGreaterThan(DEVICE_TABLE.mobile.maxCm);
    const tele = imageDistance(150, 1056, 1408, 'desktop', 100);
    expect(tele.source).toBe('exif');
    expect(tele.cm).toBeGreaterThan(2 * desk.cm);
    // 26 mm equivalent on a 4:3 frame: about 65° across the width
    expect(hfovOf35mm(26, 4000, 3000)).toBeCloseTo(67.4, 0);
    expect(imageDistance(600, 640, 480, 'mobile', null)).toMatchObject({ pass: false, code: 'TOO_CLOSE' });
  });

  it('runs faces, eyes, photo of a photo, lighting, distance in order and stops at the first failure', () => {
    const ok = { pass: true, value: 1 };
    const base = { faces: 1, eyes: ok, photo: { pass: true, value: 0 }, lighting: { pass: true, value: 120 }, distance: imageDistance(200, 640, 480, 'mobile', null) };
    expect(preAnalysis(base).failed).toBeUndefined();
    expect(preAnalysis(base).steps.map((s) => s.step)).toEqual(['faces', 'eyes', 'photo_of_photo', 'lighting', 'distance']);
    expect(preAnalysis({ ...base, faces: 0 })).toEqual({ steps: [{ step: 'faces', pass: false, code: 'FACE_NOT_FOUND', value: 0 }], failed: 'faces' });
    expect(preAnalysis({ ...base, faces: 3 }).steps[0]).toMatchObject({ code: 'MULTIPLE_FACES', value: 3 });
    // two failures: the earlier step is the one reported, and nothing after it runs
    const r = preAnalysis({ ...base, eyes: { pass: false, value: 0.05, code: 'EYES_CLOSED' }, lighting: { pass: false, value: 20, code: 'TOO_DARK' } });
    expect(r.failed).toBe('eyes');
    expect(r.steps.map((s) => s.code ?? 'ok')).toEqual(['ok', 'EYES_CLOSED']);
    expect(preAnalysis({ ...base, photo: { pass: false, value: 0.4, code: 'PHONE_IN_FRAME' } }).failed).toBe('photo_of_photo');
    expect(preAnalysis({ ...base, distance: null }).steps.at(-1)).toMatchObject({ step: 'distance', code: 'TOO_FAR' });
  });
});
