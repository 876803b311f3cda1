import { KitError, type Evidence } from '../../protocol/index.ts';

/** base64url without padding, as in JOSE. */
export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function sha256b64url(bytes: Uint8Array): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** Every uploaded frame must be exactly the one the capture token signed (count, order, SHA-256). */
export async function verifyEvidenceHashes(evidence: readonly Evidence[], frames: readonly Uint8Array[]): Promise<void> {
  if (frames.length !== evidence.length) throw new KitError('EVIDENCE_MISSING', 'frame count differs from the signed evidence');
  const digests = await Promise.all(frames.map(sha256b64url));
  digests.forEach((d, i) => {
    if (d !== evidence[i].sha256) throw new KitError('EVIDENCE_HASH_MISMATCH', `frame ${i} does not match its signed hash`);
  });
}
