import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Iso19794Error, faceRecordFromImage, imagesOf, isIso19794_5, parseFaceRecord, writeFaceRecord } from './iso19794-5.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'fixtures');
const JPEG = new Uint8Array(readFileSync(path.join(FIXTURES, 'faces/lfw/Jean_Charest/Jean_Charest_0001.jpg')));
const JP2 = Uint8Array.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 1, 2, 3]);

// Records are built here byte by byte from the standard's layout, never with the module's writer.
const be = (n: number, width: number) => Array.from({ length: width }, (_, k) => Math.floor(n / 256 ** (width - 1 - k)) & 255);

interface Facial {
  points?: number[][]; // 8 raw bytes each
  dataType?: number;
  width?: number;
  height?: number;
  pose?: number[];
  data?: Uint8Array;
}

function facial({ points = [], dataType = 0, width = 250, height = 250, pose = [91, 96, 81], data = JPEG }: Facial = {}): number[] {
  const body = [
    ...be(points.length, 2),
    1, 3, 4, // gender, eye colour, hair colour
    0x01, 0x00, 0x03, // feature mask
    ...be(1, 2), // expression
    ...pose,
    5, 6, 7, // pose uncertainty
    ...points.flat(),
    1, dataType, ...be(width, 2), ...be(height, 2),
    1, 2, // colour space, source type
    ...be(0x1234, 2), ...be(77, 2), // device type, quality
  ];
  return [...be(4 + body.length + data.length, 4), ...body, ...data];
}

function record(facials: number[][], count = facials.length): Uint8Array {
  const body = facials.flat();
  return Uint8Array.from([0x46, 0x41, 0x43, 0, 0x30, 0x31, 0x30, 0, ...be(14 + body.length, 4), ...be(count, 2), ...body]);
}

const LEFT_EYE = [0x01, 0xc1, ...be(100, 2), ...be(120, 2), 0, 0];
const RIGHT_EYE = [0x01, 0xc2, ...be(150, 2), ...be(121, 2), 0xab, 0xcd]; // reserved kept as is

const failure = (f: () => unknown): { code: string; message: string } | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof Iso19794Error ? { code: e.code, message: e.message } : { code: 'OTHER', message: String(e) };
  }
  return undefined;
};
const patch = (b: Uint8Array, at: number, bytes: number[]) => {
  const c = b.slice();
  c.set(bytes, at);
  return c;
};

describe('parseFaceRecord', () => {
  it('reads every field of a one-image record around a real JPEG', () => {
    const bytes = record([facial()]);
    expect(isIso19794_5(bytes)).toBe(true);
    const [im] = parseFaceRecord(bytes).images;
    expect(im).toMatchObject({
      gender: 1,
      eyeColour: 3,
      hairColour: 4,
      featureMask: 0x010003,
      expression: 1,
      pose: { yaw: 91, pitch: 96, roll: 81 },
      poseDegrees: { yaw: 0, pitch: 10, roll: -20 },
      poseUncertainty: { yaw: 5, pitch: 6, roll: 7 },
      featurePoints: [],
      faceImageType: 1,
      imageDataType: 0,
      width: 250,
      height: 250,
      colourSpace: 1,
      sourceType: 2,
      deviceType: 0x1234,
      quality: 77,
    });
    expect(im.data).toEqual(JPEG);
    expect(imagesOf({ images: [im] })).toEqual([{ data: JPEG, dataType: 'jpeg', width: 250, height: 250 }]);
  });

  it('decodes pose bytes to degrees, 0 as unspecified', () => {
    const [im] = parseFaceRecord(record([facial({ pose: [0, 1, 181] })])).images;
    expect(im.poseDegrees).toEqual({ yaw: null, pitch: -180, roll: 180 });
  });

  it('reads feature points: type, major.minor code, position, reserved bytes', () => {
    const [im] = parseFaceRecord(record([facial({ points: [LEFT_EYE, RIGHT_EYE] })])).images;
    expect(im.featurePoints).toEqual([
      { type: 1, major: 12, minor: 1, x: 100, y: 120, reserved: 0 },
      { type: 1, major: 12, minor: 2, x: 150, y: 121, reserved: 0xabcd },
    ]);
    expect(im.data).toEqual(JPEG);
  });

  it('reads two images in one record, JPEG and JPEG2000', () => {
    const rec = parseFaceRecord(record([facial({ points: [LEFT_EYE] }), facial({ dataType: 1, width: 64, height: 80, data: JP2 })]));
    expect(rec.images).toHaveLength(2);
    expect(rec.images[0].featurePoints).toHaveLength(1);
    expect(imagesOf(rec)).toEqual([
      { data: JPEG, dataType: 'jpeg', width: 250, height: 250 },
      { data: JP2, dataType: 'jpeg2000', width: 64, height: 80 },
    ]);
  });

  it('does not alias the input bytes', () => {
    const bytes = record([facial()]);
    const [im] = parseFaceRecord(bytes).images;
    bytes.fill(0);
    expect(im.data).toEqual(JPEG);
  });
});

describe('writeFaceRecord', () => {
  it.each([
    ['one image', [facial()]],
    ['feature points with reserved bytes', [facial({ points: [LEFT_EYE, RIGHT_EYE, [0x07, 0x3f, 0xff, 0xff, 0, 0, 0xff, 0xff]] })]],
    ['two images', [facial({ points: [RIGHT_EYE] }), facial({ dataType: 1, data: JP2, pose: [0, 0, 0] })]],
  ])('round-trips %s byte for byte', (_, facials) => {
    const bytes = record(facials);
    expect(writeFaceRecord(parseFaceRecord(bytes))).toEqual(bytes);
  });

  it.each([
    ['a width over 2 bytes', { width: 70_000 }],
    ['a negative quality', { quality: -1 }],
    ['a fractional gender', { gender: 1.5 }],
    ['a major code over 4 bits', { featurePoints: [{ type: 1, major: 16, minor: 1, x: 0, y: 0, reserved: 0 }] }],
    ['a pose byte over 181', { pose: { yaw: 182, pitch: 0, roll: 0 } }],
    ['a zero height', { height: 0 }],
  ])('refuses %s', (_, change) => {
    const im = { ...parseFaceRecord(record([facial()])).images[0], ...change };
    expect(failure(() => writeFaceRecord({ images: [im] }))?.code).toBe('ISO_BAD_FIELD');
  });

  it('refuses a record without images', () => {
    expect(failure(() => writeFaceRecord({ images: [] }))?.code).toBe('ISO_BAD_FIELD');
  });
});

describe('faceRecordFromImage', () => {
  it('wraps a JPEG with eye centres as points 12.1 and 12.2', () => {
    const bytes = faceRecordFromImage(JPEG, { width: 250, height: 250, eyes: { left: { x: 100, y: 120 }, right: { x: 150, y: 121 } } });
    expect(bytes.slice(0, 14)).toEqual(Uint8Array.from([0x46, 0x41, 0x43, 0, 0x30, 0x31, 0x30, 0, ...be(bytes.length, 4), 0, 1]));
    const [im] = parseFaceRecord(bytes).images;
    expect(im.featurePoints).toEqual([
      { type: 1, major: 12, minor: 1, x: 100, y: 120, reserved: 0 },
      { type: 1, major: 12, minor: 2, x: 150, y: 121, reserved: 0 },
    ]);
    expect(im).toMatchObject({ imageDataType: 0, width: 250, height: 250, gender: 0, pose: { yaw: 0, pitch: 0, roll: 0 } });
    expect(im.poseDegrees).toEqual({ yaw: null, pitch: null, roll: null });
    expect(im.data).toEqual(JPEG);
  });

  it('writes JPEG2000 with dataType 1 and refuses non-JPEG bytes as JPEG', () => {
    expect(imagesOf(parseFaceRecord(faceRecordFromImage(JP2, { width: 8, height: 8, dataType: 1 })))[0].dataType).toBe('jpeg2000');
    expect(failure(() => faceRecordFromImage(JP2, { width: 8, height: 8 }))?.code).toBe('ISO_BAD_FIELD');
  });
});

describe('malformed records', () => {
  const good = record([facial()]);
  const twoPoints = record([facial({ points: [LEFT_EYE, RIGHT_EYE] })]);
  // cut in the middle of feature point 2 (offset 42), both lengths fixed to match the cut
  const cut = patch(patch(twoPoints.slice(0, 46), 8, be(46, 4)), 14, be(32, 4));
  const withData = (data: number[]) => record([facial({ data: Uint8Array.from(data) })]);

  it.each<[string, Uint8Array, string, string]>([
    ['a truncated header', good.slice(0, 10), 'ISO_TRUNCATED', 'offset 8'],
    ['only the magic', good.slice(0, 4), 'ISO_TRUNCATED', 'version number at offset 4'],
    ['a cut in the middle of a feature point', cut, 'ISO_TRUNCATED', 'feature point 2 at offset 42'],
    ['a facial record without image data', record([facial({ data: new Uint8Array() })]), 'ISO_TRUNCATED', 'no image data at offset 46'],
    ['a facial record shorter than its information block', patch(good, 14, be(19, 4)), 'ISO_TRUNCATED', 'facial information block'],
    ['wrong magic', patch(good, 0, [0x46, 0x49, 0x52]), 'ISO_BAD_MAGIC', 'offset 0'],
    ['a bare JPEG', JPEG, 'ISO_BAD_MAGIC', 'offset 0'],
    ['wrong version', patch(good, 4, [0x30, 0x33, 0x30]), 'ISO_BAD_VERSION', 'offset 4'],
    ['record length one too large', patch(good, 8, be(good.length + 1, 4)), 'ISO_LENGTH_MISMATCH', 'offset 8'],
    ['record length one too small', patch(good, 8, be(good.length - 1, 4)), 'ISO_LENGTH_MISMATCH', 'offset 8'],
    ['a facial record length overrunning', patch(good, 14, be(good.length - 14 + 1, 4)), 'ISO_LENGTH_MISMATCH', 'offset 14'],
    ['a facial record ending before the record', patch(good, 14, be(good.length - 14 - 1, 4)), 'ISO_LENGTH_MISMATCH', 'facial records end'],
    ['image data type 7', record([facial({ dataType: 7 })]), 'ISO_BAD_FIELD', 'image data type at offset 35'],
    ['zero width', record([facial({ width: 0 })]), 'ISO_BAD_FIELD', 'width at offset 36'],
    ['zero height', record([facial({ height: 0 })]), 'ISO_BAD_FIELD', 'height at offset 38'],
    ['PNG bytes as JPEG', withData([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'ISO_BAD_FIELD', 'offset 46'],
    ['one byte as JPEG', withData([0xff]), 'ISO_BAD_FIELD', 'FF D8'],
    ['pose roll 182', record([facial({ pose: [91, 91, 182] })]), 'ISO_BAD_FIELD', 'pose roll at offset 30'],
    ['zero images', record([], 0), 'ISO_BAD_FIELD', 'offset 12'],
    ['9 images', record(Array.from({ length: 9 }, () => facial({ data: Uint8Array.from([0xff, 0xd8]) }))), 'ISO_TOO_MANY', 'offset 12'],
  ])('refuses %s', (_, bytes, code, where) => {
    const f = failure(() => parseFaceRecord(bytes));
    expect(f?.code).toBe(code);
    expect(f?.message).toContain(where);
  });

  it('applies the image and feature point limits', () => {
    expect(failure(() => parseFaceRecord(record([facial(), facial()]), { maxImages: 1 }))?.code).toBe('ISO_TOO_MANY');
    expect(failure(() => parseFaceRecord(twoPoints, { maxFeaturePoints: 1 }))).toMatchObject({ code: 'ISO_TOO_MANY', message: expect.stringContaining('offset 18') });
    expect(parseFaceRecord(twoPoints, { maxFeaturePoints: 2 }).images[0].featurePoints).toHaveLength(2);
  });

  it('isIso19794_5 looks at magic and version only', () => {
    expect(isIso19794_5(good.slice(0, 8))).toBe(true);
    expect(isIso19794_5(good.slice(0, 7))).toBe(false);
    expect(isIso19794_5(patch(good, 4, [0x30, 0x33, 0x30]))).toBe(false);
    expect(isIso19794_5(JPEG)).toBe(false);
  });

  it('throws only Iso19794Error on random corruption and every cut', () => {
    const small = record([facial({ points: [LEFT_EYE, RIGHT_EYE], data: Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]) })]);
    let seed = 42;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 1), seed % n);
    for (let i = 0; i < 2000; i++) {
      const b = small.slice(0, rand(4) === 0 ? rand(small.length) : small.length);
      for (let k = rand(4); k >= 0; k--) b[rand(b.length || 1)] = rand(256);
      if (b.length >= 12 && rand(2)) b.set(be(b.length, 4), 8);
      expect(failure(() => parseFaceRecord(b))?.code).not.toBe('OTHER');
    }
    for (let n = 0; n < small.length; n++) {
      const b = small.slice(0, n);
      if (n >= 12) b.set(be(n, 4), 8);
      expect(failure(() => parseFaceRecord(b))?.code).toMatch(/^ISO_/);
    }
  });
});
