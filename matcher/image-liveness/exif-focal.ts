/**
 * The camera's 35 mm-equivalent focal length from an image's EXIF block (tag 0xA405
 * FocalLengthIn35mmFilm, in the Exif sub-IFD): what turns a face's width in pixels into a
 * distance. Reads the TIFF structure only (both byte orders), bounded: a malformed block gives null.
 */
const FOCAL_35 = 0xa405;
const EXIF_IFD = 0x8769;

/** `exif`: sharp's metadata().exif (may start with "Exif\0\0") or a bare TIFF block. */
export function focalLength35(exif: Uint8Array | undefined | null): number | null {
  if (!exif || exif.length < 14) return null;
  let b = exif;
  if (b[0] === 0x45 && b[1] === 0x78 && b[2] === 0x69 && b[3] === 0x66) b = b.subarray(6);
  if (b.length < 8) return null;
  const le = b[0] === 0x49 && b[1] === 0x49;
  if (!le && !(b[0] === 0x4d && b[1] === 0x4d)) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => (o + 2 <= b.length ? dv.getUint16(o, le) : -1);
  const u32 = (o: number) => (o + 4 <= b.length ? dv.getUint32(o, le) : -1);
  if (u16(2) !== 42) return null;
  /** value of `tag` in the IFD at `ifd` (SHORT or LONG, count 1), or null */
  const find = (ifd: number, tag: number): number | null => {
    const n = u16(ifd);
    if (n < 0 || n > 512) return null;
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + 12 * i;
      if (e + 12 > b.length) return null;
      if (u16(e) !== tag) continue;
      const type = u16(e + 2);
      if (type === 3) return u16(e + 8);
      if (type === 4) return u32(e + 8);
      return null;
    }
    return null;
  };
  const ifd0 = u32(4);
  if (ifd0 < 8) return null;
  const sub = find(ifd0, EXIF_IFD);
  const f = (sub !== null && sub >= 8 ? find(sub, FOCAL_35) : null) ?? find(ifd0, FOCAL_35);
  return f !== null && f >= 8 && f <= 400 ? f : null;
}
