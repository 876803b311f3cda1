/** The media type of a stored image from its first bytes: JPEG, PNG, else bytes (an ISO/IEC 19794-5 record). */
export function imageMime(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  return 'application/octet-stream';
}
