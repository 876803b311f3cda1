import { KitError } from '../../protocol/index.ts';
import type { DemoApiConfig } from './config.ts';

/** Server-to-server calls to the edge verifier, carrying the integrator's API key. */
export interface VerifierClient {
  /** Resolves to the verifier's response (any status); network failures and timeouts → KitError UPSTREAM_UNAVAILABLE. */
  call(path: string, init?: { method?: string; json?: unknown; apiKey?: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<Response>;
}

export function verifierClient(config: DemoApiConfig, doFetch: typeof fetch = fetch): VerifierClient {
  const base = config.verifierUrl.replace(/\/+$/, '');
  return {
    async call(path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}), authorization: `Bearer ${init.apiKey ?? config.apiKey}`, accept: 'application/json' };
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      try {
        return await doFetch(base + path, {
          method: init.method ?? 'GET',
          headers,
          body: init.json === undefined ? undefined : JSON.stringify(init.json),
          signal: AbortSignal.timeout(init.timeoutMs ?? config.upstreamTimeoutMs),
        });
      } catch {
        throw new KitError('UPSTREAM_UNAVAILABLE', 'the verifier is not reachable');
      }
    },
  };
}
