/**
 * What the verifier reports about its work, runtime-agnostic: the Node entry plugs in Prometheus
 * (edge-verifier/metrics/prometheus.ts, GET /metrics); on Workers nothing is recorded (use the
 * platform's own analytics). Every argument is a bounded value the verifier chose — a route
 * pattern, a session status, a reason code, a band — never an id, key, subject or token.
 */
import type { Operation } from '../../protocol/index.ts';

export interface CaptureOutcome {
  op: Operation;
  /** the session's status after the capture; 'retry' when another capture was asked for */
  status: 1 | 2 | 3 | 4 | 5 | 'retry';
  reasons: readonly string[];
  /** the match band when biometry ran */
  band?: string;
  /** whether the server liveness reached the integrator's threshold (absent without biometry) */
  live?: boolean;
}

export type WebhookOutcome = 'delivered' | 'retry' | 'gave_up';

export interface VerifierObserver {
  /** `route` is the route pattern that answered (`/v1/sessions/:id`), never the raw path */
  request(route: string, method: string, status: number, seconds: number): void;
  capture(o: CaptureOutcome): void;
  livenessImage(live: boolean | undefined): void;
  webhook(outcome: WebhookOutcome): void;
}

export const NO_OBSERVER: VerifierObserver = {
  request: () => undefined,
  capture: () => undefined,
  livenessImage: () => undefined,
  webhook: () => undefined,
};
