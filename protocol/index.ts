/** The wire protocol: the only module imported by the element, the edge verifier and the matcher. */
export * from './errors.ts';
export * from './operations.ts';
export * from './scores.ts';
export * from './claims.ts';
export * from './matcher.ts';
export * from './cbor.ts';
export * from './messages.ts';
export * from './capture-upload.ts';
export * from './pad-reasons.ts';
export * from './return-url.ts';
export * from './liveness-image.ts';
