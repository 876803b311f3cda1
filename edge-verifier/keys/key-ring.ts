import { importJWK, type CryptoKey, type JWK } from 'jose';
import { ALG, KitError } from '../../protocol/index.ts';
import type { SigningKey } from '../config.ts';

/**
 * The verifier's ES256 keys with rotation: a key is published from the moment it is configured
 * (so relying parties cache it before it signs), signs once `nbf` has passed and no newer key has,
 * and stays published until its `exp` so verdicts it signed stay verifiable until they expire.
 */
export class KeyRing {
  private readonly keys: SigningKey[];
  private readonly imported = new Map<string, Promise<{ priv: CryptoKey; pub: CryptoKey }>>();

  constructor(keys: SigningKey[]) {
    const kids = new Set(keys.map((k) => k.kid));
    if (kids.size !== keys.length) throw new KitError('BAD_REQUEST', 'duplicate kid in signing keys');
    this.keys = [...keys];
  }

  private published(now: number): SigningKey[] {
    return this.keys.filter((k) => k.exp === undefined || k.exp > now);
  }

  /** Public JWKS document: current, next (pre-published) and previous (until expiry) keys. */
  jwks(now: number): { keys: JWK[] } {
    return {
      keys: this.published(now).map((k) => ({ kty: k.kty, crv: k.crv, x: k.x, y: k.y, kid: k.kid, alg: ALG, use: 'sig' })),
    };
  }

  /** The key that signs now: the newest active one. 503 NOT_READY when none is active. */
  async signer(now: number): Promise<{ kid: string; key: CryptoKey; exp: number | undefined }> {
    const active = this.published(now)
      .filter((k) => (k.nbf ?? 0) <= now)
      .sort((a, b) => (b.nbf ?? 0) - (a.nbf ?? 0));
    const k = active[0];
    if (!k) throw new KitError('NOT_READY', 'no active signing key');
    return { kid: k.kid, key: (await this.load(k)).priv, exp: k.exp };
  }

  /** Public key for a kid among the published ones (our own tokens only; never a key named by a token's URL). */
  async verificationKey(kid: unknown, now: number): Promise<CryptoKey | undefined> {
    if (typeof kid !== 'string') return undefined;
    const k = this.published(now).find((x) => x.kid === kid);
    return k ? (await this.load(k)).pub : undefined;
  }

  private load(k: SigningKey): Promise<{ priv: CryptoKey; pub: CryptoKey }> {
    let p = this.imported.get(k.kid);
    if (!p) {
      p = (async () => {
        const { kty, crv, x, y, d } = k;
        const priv = (await importJWK({ kty, crv, x, y, d }, ALG)) as CryptoKey;
        const pub = (await importJWK({ kty, crv, x, y }, ALG)) as CryptoKey;
        return { priv, pub };
      })();
      // a bad key must fail every time, not be cached as a rejected promise forever silently
      p.catch(() => this.imported.delete(k.kid));
      this.imported.set(k.kid, p);
    }
    return p;
  }
}
