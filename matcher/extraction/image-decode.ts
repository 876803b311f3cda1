import sharp from 'sharp';
import { KitError } from '../../protocol/index.ts';
import { readImageHeader } from '../../vision/image-header.ts';
import type { ImageInput } from '../../vision/types.ts';

/** Default largest image (width × height) decoded: config `maxImagePixels`. */
export const DEFAULT_MAX_IMAGE_PIXELS = 4_000_000;

let maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS;

/**
 * Sets the process-wide pixel limit (startMatcher passes config.maxImagePixels; a worker thread
 * that decodes must be given the same value).
 */
export function setMaxImagePixels(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error('maxImagePixels must be a positive integer');
  maxImagePixels = n;
}

/**
 * Decodes JPEG/PNG bytes to interleaved RGB. The dimensions are read from the header first: an
 * image over the pixel limit is a permanent 400 IMAGE_TOO_LARGE and never reaches the decoder.
 * EXIF orientation is deliberately ignored (never `.rotate()`): our capture fixtures carry
 * orientation tags while their pixels are already upright.
 */
export async function decodeImage(bytes: Uint8Array, maxPixels = maxImagePixels): Promise<ImageInput> {
  const header = readImageHeader(bytes);
  if (!header) throw new KitError('IMAGE_UNDECODABLE', 'image is not a well-formed JPEG or PNG');
  if (header.width * header.height > maxPixels) {
    throw new KitError('IMAGE_TOO_LARGE', `image is ${header.width}×${header.height}, over ${maxPixels} pixels`);
  }
  try {
    // limitInputPixels again: the decoder's own check, should the header ever disagree with the data
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
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
