/**
 * `@liveness-kit/protocol`'s entry: the wire protocol (index.ts) and the services' response
 * schemas (responses.ts, kept out of index.ts so that the element's bundle does not carry them).
 */
export * from './index.ts';
export * from './responses.ts';
