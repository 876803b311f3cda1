import { describe, expect, it } from 'vitest';
import { decodeBase64, parseImageRequest } from './liveness-image.ts';

/** a PNG header of w×h (enough for the dimension check; the matcher decodes the rest) */
function png(w: number, h: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, w);
  new DataView(b.buffer).setUint32(20, h);
  b.set([8, 2, 0, 0, 0], 24);
  return b;
}
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const codeOf = (x: unknown) => {
  try {
    parseImageRequest(x);
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('single-image request validation', () => {
  it('strict base64, with a data URL prefix and line breaks allowed', () => {
    expect(decodeBase64('aGk=')).toEqual(new Uint8Array([104, 105]));
    expect(decodeBase64('data:image/jpeg;base64,aGk=')).toEqual(new Uint8Array([104, 105]));
    expect(decodeBase64('aG\nk=')).toEqual(new Uint8Array([104, 105]));
    for (const bad of ['', 'aGk', 'a$k=', 'aGk=aGk=', '====', 'a===', 'aGk=\u0000']) expect(decodeBase64(bad), bad).toBeNull();
  });

  it('decodes a photo-sized input exactly as atob does (Node takes the Buffer path)', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919 + (i >> 8)) & 255);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    const text = btoa(bin);
    expect(decodeBase64(text)).toEqual(bytes);
    expect(decodeBase64(text.slice(0, 64) + '\r\n' + text.slice(64))).toEqual(bytes);
  });

  it('gives each bad input its own code', () => {
    expect(codeOf(null)).toBe('MALFORMED_BODY');
    expect(codeOf('x')).toBe('MALFORMED_BODY');
    expect(codeOf({})).toBe('IMAGE_MISSING');
    expect(codeOf({ image: null })).toBe('IMAGE_MISSING');
    expect(codeOf({ image: 5 })).toBe('IMAGE_BASE64_INVALID');
    expect(codeOf({ image: '***' })).toBe('IMAGE_BASE64_INVALID');
    expect(codeOf({ image: b64(new TextEncoder().encode('plain text')) })).toBe('IMAGE_UNDECODABLE');
    expect(codeOf({ image: b64(png(300, 400)) })).toBe('IMAGE_TOO_SMALL');
    expect(codeOf({ image: b64(png(3000, 3000)) })).toBe('IMAGE_TOO_LARGE');
    expect(codeOf({ image: 'A'.repeat(11_200_004) })).toBe('IMAGE_TOO_LARGE');
    expect(codeOf({ image: b64(png(640, 480)), device: 'fridge' })).toBe('SCHEMA_VIOLATION');
    expect(codeOf({ image: b64(png(640, 480)), preAnalysis: 1 })).toBe('SCHEMA_VIOLATION');
    expect(codeOf({ image: b64(png(640, 480)), other: true })).toBe('SCHEMA_VIOLATION');
    expect(parseImageRequest({ image: b64(png(640, 480)) })).toMatchObject({ preAnalysis: true });
    expect(parseImageRequest({ image: png(640, 480), preAnalysis: false, device: 'desktop' })).toMatchObject({ preAnalysis: false, device: 'desktop' });
  });
});
