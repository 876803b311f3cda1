import sharp from 'sharp';
import { KitError } from '../../protocol/index.ts';
import type { ImageInput } from '../../vision/types.ts';

/** Largest decoded image we accept (pixels); bigger inputs are a permanent error, not a memory spike. */
export const MAX_IMAGE_PIXELS = 25_000_000;

/**
 * Decodes JPEG/PNG bytes to interleaved RGB. EXIF orientation is deliberately ignored (never
 * `.rotate()`): our capture fixtures carry orientation tags while their pixels are already upright.
 */
export async function decodeImage(bytes: Uint8Array): Promise<ImageInput> {
  const sig = bytes.subarray(0, 4);
  const isJpeg = sig[0] === 0xff && sig[1] === 0xd8;
  const isPng = sig[0] === 0x89 && sig[1] === 0x50 && sig[2] === 0x4e && sig[3] === 0x47;
  if (!isJpeg && !isPng) throw new KitError('IMAGE_UNDECODABLE', 'image is not JPEG or PNG');
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error('unexpected channel count');
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch {
    throw new KitError('IMAGE_UNDECODABLE', 'image could not be decoded');
  }
}
