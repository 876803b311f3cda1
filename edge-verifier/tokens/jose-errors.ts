import { errors } from 'jose';
import { KitError, type ErrorCode } from '../../protocol/index.ts';

/** Maps jose's typed errors onto protocol codes without echoing token contents. */
export function fromJoseError(e: unknown, codes: { invalid: ErrorCode; expired: ErrorCode; signature: ErrorCode }): KitError {
  if (e instanceof KitError) return e;
  if (e instanceof errors.JWTExpired) return new KitError(codes.expired, 'token expired');
  if (e instanceof errors.JWSSignatureVerificationFailed) return new KitError(codes.signature, 'signature verification failed');
  if (e instanceof errors.JOSEError) return new KitError(codes.invalid, `token rejected (${e.code})`);
  return new KitError(codes.invalid, 'token rejected');
}
