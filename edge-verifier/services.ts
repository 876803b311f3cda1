import type { Config } from './config.ts';
import { IntegratorRegistry } from './integrators/registry.ts';
import type { KeyRing } from './keys/key-ring.ts';
import type { MatcherClient } from './matcher/client.ts';
import { NO_OBSERVER, type VerifierObserver } from './metrics/observer.ts';
import { RateLimiter } from './middleware/rate-limit.ts';
import type { VerifierStore } from './store/types.ts';

/** Everything a route needs, built once per process (Node) or isolate (Workers) by an adapter. */
export interface VerifierDeps {
  config: Config;
  store: VerifierStore;
  matcher: MatcherClient;
  keys: KeyRing;
  /** unix seconds; injectable so tests can move time */
  now?: () => number;
  /** outbound fetch for webhooks (tests inject; defaults to global fetch) */
  fetch?: typeof fetch;
  /** keeps background work alive: Workers waitUntil, Node a tracked promise set */
  background?: (p: Promise<unknown>) => void;
  /** a webhook event was written to the outbox: the sender should run (Node's loop; the Durable Object sets its own alarm) */
  kickOutbox?: () => void;
  /** the integrators' registry (default: over `store`, seeded with `config.integrators`, 1 s cache) */
  integrators?: IntegratorRegistry;
  /** request and outcome counts (Node: Prometheus; default: none recorded) */
  observer?: VerifierObserver;
}

export interface Services extends Required<Omit<VerifierDeps, 'fetch'>> {
  fetch?: typeof fetch;
  limits: { apiKey: RateLimiter; session: RateLimiter; authFailures: RateLimiter };
}

export function makeServices(d: VerifierDeps): Services {
  return {
    ...d,
    now: d.now ?? (() => Math.floor(Date.now() / 1000)),
    background: d.background ?? ((p) => void p.catch(() => undefined)),
    kickOutbox: d.kickOutbox ?? (() => undefined),
    observer: d.observer ?? NO_OBSERVER,
    integrators: d.integrators ?? new IntegratorRegistry(d.store, d.config.integrators, 1_000, Date.now, d.config.seedMode),
    limits: {
      apiKey: new RateLimiter(d.config.rateLimits.apiKey),
      session: new RateLimiter(d.config.rateLimits.session),
      authFailures: new RateLimiter(d.config.rateLimits.authFailures),
    },
  };
}
