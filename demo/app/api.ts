// Browser client of the demo integrator backend (/demo-api/): the page never holds the API key.

export type Operation = 'VERIFICATION' | 'REGISTRATION' | 'IMAGE_UPDATE' | 'IDENTIFICATION';

export interface DemoConfig {
  verifierUrl: string;
  hostOrigin: string | null;
  returnUrl: string;
}

export interface StartedSession {
  sessionId: string;
  /** session token for <liveness-capture> (kept in memory, never put in the page's URL) */
  token: string;
  expiresAt: number;
  verifier: string;
}

export interface MatchSummary {
  score: number;
  band: string;
  identity: string;
}

export interface SessionSummary {
  liveness: number;
  match?: MatchSummary;
  candidates?: { id: string; score: number }[];
  response?: 200 | 201;
  hasBiometry: boolean;
  reasons: string[];
}

export interface SessionView {
  sessionId: string;
  operation: Operation;
  subject: string;
  status: 1 | 2 | 3 | 4 | 5;
  attempts: number;
  failedAttempts: number;
  maxAttempts: number;
  createdAt: number;
  expiresAt: number;
  updatedAt: number;
  summary: SessionSummary | null;
  evidenceCount: number;
  name?: string;
  card?: string;
  message?: string;
  /** only on GET /sessions/{id}: the backend verified the verdict JWT against the JWKS */
  verdictVerified?: boolean;
}

export interface ReceivedWebhook {
  id: string;
  sessionId: string;
  status: 2 | 3 | 4 | 5;
  receivedAt: number;
  verdictVerified: boolean;
  claims: (SessionSummary & { op: Operation; sub: string }) | null;
}

/** An error answered by the demo backend or the verifier behind it ({code, message}). */
export class DemoApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'DemoApiError';
  }
}

async function call<T>(path: string, init?: { method?: string; json?: unknown }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/demo-api${path}`, {
      method: init?.method ?? 'GET',
      headers: init?.json === undefined ? {} : { 'content-type': 'application/json' },
      body: init?.json === undefined ? undefined : JSON.stringify(init.json),
    });
  } catch {
    throw new DemoApiError('NETWORK', 'demo server unreachable', 0);
  }
  const body = (await res.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!res.ok) throw new DemoApiError(body?.code ?? 'HTTP_' + res.status, body?.message ?? res.statusText, res.status);
  return body as T;
}

export const demoApi = {
  config: () => call<DemoConfig>('/config'),
  startSession: (req: { operation: Operation; subject?: string; name?: string; card?: string; message?: string; redirect?: boolean }) =>
    call<StartedSession>('/sessions', { method: 'POST', json: req }),
  sessions: () => call<{ sessions: SessionView[] }>('/sessions'),
  session: (id: string) => call<SessionView>(`/sessions/${encodeURIComponent(id)}`),
  review: (id: string, decision: 'approve' | 'reject') =>
    call<{ sessionId: string; status: number; response?: number }>(`/sessions/${encodeURIComponent(id)}/review`, { method: 'POST', json: { decision } }),
  webhooks: () => call<{ events: ReceivedWebhook[] }>('/webhooks'),
  evidenceUrl: (id: string, n: number) => `/demo-api/sessions/${encodeURIComponent(id)}/evidence/${n}`,
};
