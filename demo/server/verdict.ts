import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as v from 'valibot';
import { ALG, CLOCK_TOLERANCE_S, TYP, VerdictClaimsSchema, type VerdictClaims } from '../../protocol/index.ts';
import type { DemoApiConfig } from './config.ts';

/**
 * What a relying party does with a verdict JWT: verify it against the verifier's published JWKS
 * (the key set URL is configured here, never taken from the token), pinning alg, typ, iss and aud.
 */
export function verdictVerifier(config: DemoApiConfig): (jwt: string) => Promise<VerdictClaims | null> {
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', config.verifierUrl), { timeoutDuration: 5000 });
  const issuer = config.verifierIssuer ?? config.verifierUrl.replace(/\/+$/, '');
  return async (jwt) => {
    try {
      const { payload } = await jwtVerify(jwt, jwks, {
        algorithms: [ALG],
        typ: TYP.VERDICT,
        issuer,
        audience: config.integratorId,
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      const r = v.safeParse(VerdictClaimsSchema, payload);
      return r.success ? r.output : null;
    } catch {
      return null;
    }
  };
}
