import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ALG, CAPTURE_CLIENT_ID, CaptureClaimsSchema, TYP } from '../../protocol/index.ts';
import { generatePopKey } from './pop-key.ts';
import { sha256B64url } from './sha256.ts';
import { signCaptureToken } from './sign-capture.ts';

describe('capture token', () => {
  it('is signed by a non-extractable key whose public JWK is in the header, with schema-valid claims', async () => {
    const key = await generatePopKey();
    expect(key.privateKey.extractable).toBe(false);
    expect(key.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    const sha = await sha256B64url(new Uint8Array([1, 2, 3]));
    expect(sha).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await signCaptureToken(key, {
      audience: 'http://verifier.test',
      sid: 's1',
      nonce: 'n0nce',
      evidence: [{ role: 'far', sha256: sha, w: 480, h: 480, t: 12 }],
      checks: { face: { pass: true, value: 0.9 }, liveness: { pass: true, value: Number.NaN } },
      camera: { virtual: false, nonCamera: false, timingAnomaly: false, label: 'cam' },
      approach: { scaleGain: 1.3, ratioChange: 0.04 },
    });
    const header = decodeProtectedHeader(token);
    expect(Object.keys(header).sort()).toEqual(['alg', 'jwk', 'typ']);
    expect(header.typ).toBe(TYP.CAPTURE);
    const { payload } = await jwtVerify(token, await importJWK(header.jwk!, ALG), {
      algorithms: [ALG],
      typ: TYP.CAPTURE,
      issuer: CAPTURE_CLIENT_ID,
      audience: 'http://verifier.test',
    });
    const claims = v.parse(CaptureClaimsSchema, payload);
    expect(claims.nonce).toBe('n0nce');
    expect(claims.checks.liveness?.value).toBe(0);
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('sha256 matches a known digest', async () => {
    // SHA-256("abc")
    expect(await sha256B64url(new TextEncoder().encode('abc'))).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
