/**
 * ISO/IEC 19794-5:2005 face image records ("FAC\0", version "010\0"): strict parser, exact writer.
 * Pure and dependency-free; all integers big-endian.
 */

/** Stable codes of `Iso19794Error`; callers switch on these, not on messages. */
export type Iso19794Code = 'ISO_TRUNCATED' | 'ISO_BAD_MAGIC' | 'ISO_BAD_VERSION' | 'ISO_LENGTH_MISMATCH' | 'ISO_BAD_FIELD' | 'ISO_TOO_MANY';

/** Any malformed record or unwritable field; the message names the field and its byte offset. */
export class Iso19794Error extends Error {
  readonly code: Iso19794Code;
  constructor(code: Iso19794Code, message: string) {
    super(message);
    this.name = 'Iso19794Error';
    this.code = code;
  }
}

/** Images accepted per record unless `limits.maxImages` says otherwise. */
export const DEFAULT_MAX_IMAGES = 8;
/** Feature points accepted per image unless `limits.maxFeaturePoints` says otherwise. */
export const DEFAULT_MAX_FEATURE_POINTS = 128;

const MAGIC = [0x46, 0x41, 0x43, 0x00]; // "FAC\0"
const VERSION = [0x30, 0x31, 0x30, 0x00]; // "010\0"
const [HEADER, FACIAL_INFO, POINT, IMAGE_INFO] = [14, 20, 8, 12]; // block sizes in bytes

/** One feature point; `type` 1 = 2D MPEG-4 point, code `major.minor` (e.g. 12.1 left eye centre). */
export interface FeaturePoint {
  type: number;
  major: number;
  minor: number;
  x: number;
  y: number;
  /** the two reserved bytes, kept so round trips are exact */
  reserved: number;
}

/** Raw pose bytes: 0 = unspecified, 1..181 = -180..+180 degrees in steps of 2. */
export interface Angles {
  yaw: number;
  pitch: number;
  roll: number;
}

/** One facial record: every raw field of the standard plus the image bytes. */
export interface FaceImage {
  gender: number;
  eyeColour: number;
  hairColour: number;
  /** 24-bit feature mask */
  featureMask: number;
  expression: number;
  pose: Angles;
  /** derived from `pose` (null = unspecified); the writer ignores it */
  poseDegrees: { yaw: number | null; pitch: number | null; roll: number | null };
  poseUncertainty: Angles;
  featurePoints: FeaturePoint[];
  faceImageType: number;
  /** 0 = JPEG, 1 = JPEG2000 */
  imageDataType: number;
  width: number;
  height: number;
  colourSpace: number;
  sourceType: number;
  deviceType: number;
  quality: number;
  data: Uint8Array;
}

export interface FaceRecord {
  images: FaceImage[];
}

export interface FaceRecordLimits {
  /** images per record (DEFAULT_MAX_IMAGES) */
  maxImages?: number;
  /** feature points per image (DEFAULT_MAX_FEATURE_POINTS) */
  maxFeaturePoints?: number;
}

const fail = (code: Iso19794Code, message: string): never => {
  throw new Iso19794Error(code, message);
};
const has = (b: Uint8Array, at: number, sig: number[]) => sig.every((v, i) => b[at + i] === v);
const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const need = (at: number, n: number, end: number, field: string) => {
  if (at + n > end) fail('ISO_TRUNCATED', `${field} at offset ${at} needs ${n} bytes, ${Math.max(0, end - at)} left`);
};
const uint = (b: Uint8Array, at: number, width: number) => {
  let v = 0;
  for (let k = 0; k < width; k++) v = v * 256 + b[at + k];
  return v;
};
const degrees = (v: number) => (v === 0 ? null : (v - 91) * 2);
const decodePose = (p: Angles) => ({ yaw: degrees(p.yaw), pitch: degrees(p.pitch), roll: degrees(p.roll) });
const AXES = ['yaw', 'pitch', 'roll'] as const;

type Scalar = 'gender' | 'eyeColour' | 'hairColour' | 'featureMask' | 'expression' | 'faceImageType' | 'imageDataType'
  | 'width' | 'height' | 'colourSpace' | 'sourceType' | 'deviceType' | 'quality';
type Layout = [field: Scalar, offset: number, width: number, name: string][];
/** Offsets from the start of the facial record. */
const FACIAL_FIELDS: Layout = [
  ['gender', 6, 1, 'gender'], ['eyeColour', 7, 1, 'eye colour'], ['hairColour', 8, 1, 'hair colour'],
  ['featureMask', 9, 3, 'feature mask'], ['expression', 12, 2, 'expression'],
];
/** Offsets from the start of the image information block. */
const IMAGE_FIELDS: Layout = [
  ['faceImageType', 0, 1, 'face image type'], ['imageDataType', 1, 1, 'image data type'], ['width', 2, 2, 'width'],
  ['height', 4, 2, 'height'], ['colourSpace', 6, 1, 'image colour space'], ['sourceType', 7, 1, 'source type'],
  ['deviceType', 8, 2, 'device type'], ['quality', 10, 2, 'quality'],
];

/** Cheap sniff: format identifier "FAC\0" and version "010\0". */
export function isIso19794_5(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && has(bytes, 0, MAGIC) && has(bytes, 4, VERSION);
}

/** Semantic checks shared by parser and writer; `start` is the facial record's offset. */
function checkImage(im: FaceImage, start: number, label: string): void {
  AXES.forEach((axis, i) => {
    if (im.pose[axis] > 181) fail('ISO_BAD_FIELD', `${label}: pose ${axis} at offset ${start + 14 + i} is ${im.pose[axis]}, over 181`);
  });
  const info = start + FACIAL_INFO + POINT * im.featurePoints.length;
  if (im.imageDataType !== 0 && im.imageDataType !== 1) {
    fail('ISO_BAD_FIELD', `${label}: image data type at offset ${info + 1} is ${im.imageDataType}, not 0 (JPEG) or 1 (JPEG2000)`);
  }
  if (im.width === 0) fail('ISO_BAD_FIELD', `${label}: width at offset ${info + 2} is 0`);
  if (im.height === 0) fail('ISO_BAD_FIELD', `${label}: height at offset ${info + 4} is 0`);
  if (im.data.length === 0) fail('ISO_TRUNCATED', `${label}: no image data at offset ${info + IMAGE_INFO}`);
  if (im.imageDataType === 0 && !has(im.data, 0, [0xff, 0xd8])) {
    fail('ISO_BAD_FIELD', `${label}: image data at offset ${info + IMAGE_INFO} does not start with the JPEG marker FF D8`);
  }
}

function parseImage(b: Uint8Array, start: number, end: number, label: string, maxPoints: number): FaceImage {
  need(start, FACIAL_INFO, end, `${label}: facial information block`);
  const count = u16(b, start + 4);
  if (count > maxPoints) fail('ISO_TOO_MANY', `${label}: ${count} feature points at offset ${start + 4}, limit ${maxPoints}`);
  const angles = (at: number): Angles => ({ yaw: b[at], pitch: b[at + 1], roll: b[at + 2] });
  const featurePoints: FeaturePoint[] = [];
  let at = start + FACIAL_INFO;
  for (let k = 0; k < count; k++, at += POINT) {
    need(at, POINT, end, `${label}: feature point ${k + 1}`);
    featurePoints.push({ type: b[at], major: b[at + 1] >> 4, minor: b[at + 1] & 15, x: u16(b, at + 2), y: u16(b, at + 4), reserved: u16(b, at + 6) });
  }
  need(at, IMAGE_INFO, end, `${label}: image information block`);
  const scalars = {} as Record<Scalar, number>;
  for (const [field, offset, width] of FACIAL_FIELDS) scalars[field] = uint(b, start + offset, width);
  for (const [field, offset, width] of IMAGE_FIELDS) scalars[field] = uint(b, at + offset, width);
  const pose = angles(start + 14);
  const data = b.slice(at + IMAGE_INFO, end);
  const im: FaceImage = { ...scalars, pose, poseDegrees: decodePose(pose), poseUncertainty: angles(start + 17), featurePoints, data };
  checkImage(im, start, label);
  return im;
}

/** Parses a whole record strictly; throws Iso19794Error on anything malformed. */
export function parseFaceRecord(bytes: Uint8Array, limits: FaceRecordLimits = {}): FaceRecord {
  const maxImages = limits.maxImages ?? DEFAULT_MAX_IMAGES;
  const maxPoints = limits.maxFeaturePoints ?? DEFAULT_MAX_FEATURE_POINTS;
  const end = bytes.length;
  need(0, 4, end, 'format identifier');
  if (!has(bytes, 0, MAGIC)) fail('ISO_BAD_MAGIC', 'format identifier at offset 0 is not "FAC\\0"');
  need(4, 4, end, 'version number');
  if (!has(bytes, 4, VERSION)) fail('ISO_BAD_VERSION', 'version number at offset 4 is not "010\\0"');
  need(8, 6, end, 'record length and number of facial images');
  const length = uint(bytes, 8, 4);
  if (length !== end) fail('ISO_LENGTH_MISMATCH', `record length at offset 8 is ${length}, the record has ${end} bytes`);
  const count = u16(bytes, 12);
  if (count === 0) fail('ISO_BAD_FIELD', 'number of facial images at offset 12 is 0');
  if (count > maxImages) fail('ISO_TOO_MANY', `number of facial images at offset 12 is ${count}, limit ${maxImages}`);
  const images: FaceImage[] = [];
  let at = HEADER;
  for (let i = 0; i < count; i++) {
    const label = `image ${i + 1}`;
    need(at, 4, end, `${label}: facial record data length`);
    const size = uint(bytes, at, 4);
    if (size > end - at) {
      fail('ISO_LENGTH_MISMATCH', `${label}: facial record data length at offset ${at} is ${size}, only ${end - at} bytes left`);
    }
    images.push(parseImage(bytes, at, at + size, label, maxPoints));
    at += size;
  }
  if (at !== end) fail('ISO_LENGTH_MISMATCH', `facial records end at offset ${at}, the record at ${end}`);
  return { images };
}

/** Writes a record; `writeFaceRecord(parseFaceRecord(x))` equals `x` byte for byte. */
export function writeFaceRecord(rec: FaceRecord): Uint8Array {
  const n = rec.images.length;
  if (n === 0 || n > 0xffff) fail('ISO_BAD_FIELD', `number of facial images is ${n}, not 1..65535`);
  const sizes = rec.images.map((im) => FACIAL_INFO + POINT * im.featurePoints.length + IMAGE_INFO + im.data.length);
  const total = sizes.reduce((a, s) => a + s, HEADER);
  const out = new Uint8Array(total);
  // refuses what would not fit its bytes, so nothing is silently truncated
  const check = (at: number, max: number, v: number, field: string) => {
    if (!Number.isInteger(v) || v < 0 || v > max) fail('ISO_BAD_FIELD', `${field} at offset ${at} is ${v}, not in 0..${max}`);
  };
  const put = (at: number, width: number, v: number, field: string) => {
    check(at, 2 ** (8 * width) - 1, v, field);
    for (let k = 0; k < width; k++) out[at + k] = Math.floor(v / 2 ** (8 * (width - 1 - k))) & 255;
  };
  out.set(MAGIC, 0);
  out.set(VERSION, 4);
  put(8, 4, total, 'record length');
  put(12, 2, n, 'number of facial images');
  let at = HEADER;
  rec.images.forEach((im, i) => {
    const label = `image ${i + 1}`;
    checkImage(im, at, label);
    put(at, 4, sizes[i], `${label}: facial record data length`);
    put(at + 4, 2, im.featurePoints.length, `${label}: number of feature points`);
    for (const [field, offset, width, name] of FACIAL_FIELDS) put(at + offset, width, im[field], `${label}: ${name}`);
    AXES.forEach((axis, k) => {
      put(at + 14 + k, 1, im.pose[axis], `${label}: pose ${axis}`);
      put(at + 17 + k, 1, im.poseUncertainty[axis], `${label}: pose uncertainty ${axis}`);
    });
    at += FACIAL_INFO;
    im.featurePoints.forEach((p, k) => {
      const f = `${label}: feature point ${k + 1}`;
      put(at, 1, p.type, `${f} type`);
      check(at + 1, 15, p.major, `${f} major code`);
      check(at + 1, 15, p.minor, `${f} minor code`);
      out[at + 1] = (p.major << 4) | p.minor;
      put(at + 2, 2, p.x, `${f} x`);
      put(at + 4, 2, p.y, `${f} y`);
      put(at + 6, 2, p.reserved, `${f} reserved`);
      at += POINT;
    });
    for (const [field, offset, width, name] of IMAGE_FIELDS) put(at + offset, width, im[field], `${label}: ${name}`);
    out.set(im.data, at + IMAGE_INFO);
    at += IMAGE_INFO + im.data.length;
  });
  return out;
}

/** Options of `faceRecordFromImage`; every field not given is written as 0 (unspecified). */
type Defaulted = 'gender' | 'eyeColour' | 'hairColour' | 'featureMask' | 'expression' | 'pose' | 'poseUncertainty'
  | 'featurePoints' | 'faceImageType' | 'colourSpace' | 'sourceType' | 'deviceType' | 'quality';
export type FaceImageOptions = Partial<Pick<FaceImage, Defaulted>> & {
  width: number;
  height: number;
  dataType?: 0 | 1;
  /** eye centres in pixels, written as type-1 points 12.1 (left) and 12.2 (right) after `featurePoints` */
  eyes?: { left: { x: number; y: number }; right: { x: number; y: number } };
};

/** Builds a valid one-image record around JPEG (or, with dataType 1, JPEG2000) bytes. */
export function faceRecordFromImage(image: Uint8Array, o: FaceImageOptions): Uint8Array {
  const eye = (minor: number, p: { x: number; y: number }): FeaturePoint => ({ type: 1, major: 12, minor, x: p.x, y: p.y, reserved: 0 });
  const { eyes, dataType = 0, featurePoints = [], ...given } = o;
  const zero = { yaw: 0, pitch: 0, roll: 0 };
  const scalars = Object.fromEntries([...FACIAL_FIELDS, ...IMAGE_FIELDS].map(([field]) => [field, 0])) as Record<Scalar, number>;
  const im: FaceImage = {
    ...scalars,
    pose: zero,
    poseUncertainty: zero,
    ...given,
    poseDegrees: decodePose(given.pose ?? zero),
    featurePoints: eyes ? [...featurePoints, eye(1, eyes.left), eye(2, eyes.right)] : featurePoints,
    imageDataType: dataType,
    data: image,
  };
  return writeFaceRecord({ images: [im] });
}

/** The images of a record with what a decoder needs to know about each. */
export function imagesOf(rec: FaceRecord): { data: Uint8Array; dataType: 'jpeg' | 'jpeg2000'; width: number; height: number }[] {
  return rec.images.map((im) => ({ data: im.data, dataType: im.imageDataType === 1 ? 'jpeg2000' : 'jpeg', width: im.width, height: im.height }));
}
