import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SigningKey } from '../config.ts';

/**
 * Demo only (Node): a signing key generated at first start and kept in `dir` (gitignored
 * `.data/verifier/`), so verdicts stay verifiable across restarts. Deployments set
 * VERIFIER_SIGNING_KEYS instead.
 */
export async function loadOrCreateDemoKey(dir: string): Promise<SigningKey> {
  const file = path.join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  const key = await generateSigningKey();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

/** A fresh ES256 private JWK with kid = its RFC 7638 thumbprint. */
export async function generateSigningKey(extra: { nbf?: number; exp?: number } = {}): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, d: jwk.d!, kid, ...extra };
}
