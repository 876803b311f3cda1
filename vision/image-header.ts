/**
 * Width and height from a JPEG or PNG header, without decoding: lets a server refuse an image
 * whose pixels would not fit its memory budget before any decoder allocates them. Pure.
 */
export interface ImageHeader {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header carrying the dimensions. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegHeader(b: Uint8Array): ImageHeader | null {
  let i = 2; // after SOI
  while (i + 4 <= b.length) {
    // like libjpeg, skip extraneous bytes between segments up to the next marker
    if (b[i] !== 0xff) { i++; continue; }
    const m = b[i + 1];
    if (m === 0xff) { i++; continue; } // fill byte
    // standalone markers (TEM, RSTn, SOI) carry no length
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) { i += 2; continue; }
    if (m === 0xd9 || m === 0xda) return null; // EOI or scan data before any frame header
    const len = u16(b, i + 2);
    if (len < 2) return null;
    if (isSof(m)) {
      if (len < 8 || i + 9 > b.length) return null;
      const height = u16(b, i + 5);
      const width = u16(b, i + 7);
      // height 0 defers to a DNL marker after the scan: refuse rather than guess
      return width > 0 && height > 0 ? { format: 'jpeg', width, height } : null;
    }
    i += 2 + len;
  }
  return null;
}

function pngHeader(b: Uint8Array): ImageHeader | null {
  // signature, then the first chunk must be IHDR (length 13): width, height (big-endian u32)
  if (b.length < 24 || u32(b, 8) !== 13) return null;
  if (b[12] !== 0x49 || b[13] !== 0x48 || b[14] !== 0x44 || b[15] !== 0x52) return null;
  const width = u32(b, 16);
  const height = u32(b, 20);
  return width > 0 && height > 0 ? { format: 'png', width, height } : null;
}

/** The image's format and dimensions from its header, or null when it is neither a well-formed JPEG nor PNG header. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHeader(bytes);
  if (bytes.length >= 8 && PNG_SIGNATURE.every((x, i) => bytes[i] === x)) return pngHeader(bytes);
  return null;
}
