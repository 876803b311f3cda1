/**
 * Images arrive as JPEG/PNG bytes or as ISO/IEC 19794-5 face image records (the ABIS contract).
 * A record is opened here, strictly, into the images the extractor decodes; a bad record is a
 * permanent error naming the ISO check that failed.
 */
import sharp from 'sharp';
import { imagesOf, Iso19794Error, isIso19794_5, parseFaceRecord, faceRecordFromImage } from '../../protocol/iso19794-5.ts';
import { KitError } from '../../protocol/index.ts';

const FAC = [0x46, 0x41, 0x43, 0x00];

/** true when the bytes claim to be a 19794-5 record (its format identifier), valid or not. */
export function claimsFaceRecord(b: Uint8Array): boolean {
  return b.length >= 4 && FAC.every((x, i) => b[i] === x);
}

/** The images to extract from one submitted image entry: itself, or every image of its 19794-5 record. */
export function faceImagesOf(b: Uint8Array): Uint8Array[] {
  if (!claimsFaceRecord(b)) return [b];
  try {
    return imagesOf(parseFaceRecord(b)).map((x) => x.data);
  } catch (e) {
    if (e instanceof Iso19794Error) throw new KitError('FACE_RECORD_INVALID', `${e.code}: ${e.message}`.slice(0, 200));
    throw e;
  }
}

/** A stored image as a 19794-5 record: a record as it was stored (byte for byte), a JPEG wrapped in one. */
export async function asFaceRecord(b: Uint8Array): Promise<Uint8Array> {
  if (isIso19794_5(b)) return b;
  const jpeg = b[0] === 0xff && b[1] === 0xd8 ? b : new Uint8Array(await sharp(b).jpeg({ quality: 95 }).toBuffer());
  const meta = await sharp(jpeg).metadata();
  if (!meta.width || !meta.height) throw new KitError('IMAGE_UNDECODABLE', 'stored image has no dimensions');
  // face image type 1 (full frontal), colour space 1 (24-bit RGB), source type 2 (digital camera)
  return faceRecordFromImage(jpeg, { width: meta.width, height: meta.height, faceImageType: 1, colourSpace: 1, sourceType: 2 });
}
