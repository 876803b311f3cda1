/** Messages the iframe / web-view page sends to its host (postMessage or a native bridge). */
import type { CompleteDetail, ErrorDetail } from '../element/capture-controller.ts';

export const MESSAGE_SOURCE = 'liveness-capture';

export type EmbedMessage =
  | { source: typeof MESSAGE_SOURCE; type: 'liveness-ready' }
  | {
      source: typeof MESSAGE_SOURCE;
      type: 'liveness-complete';
      sessionId: string;
      status: number;
      response?: number;
      /** verdict JWT: the host's backend verifies it against the verifier's JWKS */
      verdict: string;
      code?: string;
      card: string | null;
      confidence?: number;
      message: string;
      date: string;
      details: Record<string, unknown> | null;
    }
  | { source: typeof MESSAGE_SOURCE; type: 'liveness-error'; code: string; message: string }
  | { source: typeof MESSAGE_SOURCE; type: 'liveness-cancel' }
  /** the person pressed "back to the app" after a dead end (e.g. a reload with no token left) */
  | { source: typeof MESSAGE_SOURCE; type: 'liveness-close'; code: string };

export function completeMessage(
  d: CompleteDetail,
  extra: { card: string | null; message: string; details: Record<string, unknown> | null; now?: Date },
): Extract<EmbedMessage, { type: 'liveness-complete' }> {
  const liveness = d.claims.liveness;
  return {
    source: MESSAGE_SOURCE,
    type: 'liveness-complete',
    sessionId: d.sessionId,
    status: d.status,
    ...(d.response ? { response: d.response } : {}),
    verdict: d.verdict,
    ...(d.code ? { code: d.code } : {}),
    card: extra.card,
    ...(typeof liveness === 'number' ? { confidence: liveness } : {}),
    message: extra.message,
    date: (extra.now ?? new Date()).toISOString(),
    details: extra.details,
  };
}

export function errorMessage(d: Pick<ErrorDetail, 'code' | 'message'>): EmbedMessage {
  return { source: MESSAGE_SOURCE, type: 'liveness-error', code: d.code, message: d.message };
}
