/**
 * The iframe / web-view page: reads the query parameters, scrubs the token from the address bar,
 * verifies the session token against the verifier pinned by the page's own configuration,
 * mounts <liveness-capture>, and delivers the result — to a native bridge, to the parent window
 * (exact allowed targetOrigin only), or by redirect to the registered return URL (success only).
 */
import { KitError, messageFor, type ErrorCode, type SessionClaims } from '../../protocol/index.ts';
import type { CompleteDetail, ErrorDetail } from '../element/capture-controller.ts';
import { resolveLocale } from '../element/i18n.ts';
import { defineLivenessCapture, type LivenessCapture } from '../element/liveness-capture.ts';
import { backAction, rememberReturnUrl, showBackButton } from './back-to-app.ts';
import { detectBridge, type Bridge } from './bridges.ts';
import { targetOrigin } from './parent-origin.ts';
import { embedQuery, parseEmbedParams, scrubToken, type EmbedParams } from './params.ts';
import { pinnedVerifier } from './pinned-verifier.ts';
import { MESSAGE_SOURCE, completeMessage, errorMessage, type EmbedMessage } from './result-message.ts';
import { allowedReturnUrl, redirectUrl } from './return-url.ts';
import { fetchVerifierJwks } from './verifier-jwks.ts';
import { precheckSessionToken, verifySessionToken } from './verify-session.ts';

export type Delivery =
  | { kind: 'bridge'; bridge: Bridge }
  | { kind: 'parent'; origin: string }
  | { kind: 'redirect'; url: URL }
  | { kind: 'page' };

export interface EmbedOptions {
  container: HTMLElement;
  /**
   * Base URL (= `iss`) of the edge verifier this page works for, from the page's own
   * configuration (a build-time constant, or its own backend): never from the URL or the token.
   * Absent or invalid → the page shows VERIFIER_NOT_CONFIGURED and does nothing else.
   */
  verifier?: string | null;
  /** fetch used for the verifier's JWKS (default: the window's) */
  fetch?: typeof fetch;
  /** defaults to the global window */
  window?: Window;
  /** element properties to apply (e.g. model bases, flow timing) */
  configure?: (el: LivenessCapture) => void;
}

export interface MountedEmbed {
  element: LivenessCapture;
  delivery: Delivery | null;
  params: EmbedParams | null;
}

/** Decides where the result goes; throws KitError(ORIGIN_NOT_ALLOWED | RETURN_URL_NOT_ALLOWED). */
export function chooseDelivery(w: Window, p: EmbedParams, claims: SessionClaims): Delivery {
  const bridge = detectBridge(w);
  if (bridge) return { kind: 'bridge', bridge };
  if (w.parent !== w) {
    const origin = targetOrigin({ ancestorOrigins: w.location.ancestorOrigins, referrer: w.document.referrer }, claims.origins);
    if (!origin) throw new KitError('ORIGIN_NOT_ALLOWED', 'the embedding page is not an allowed origin for this session');
    return { kind: 'parent', origin };
  }
  if (p.url) {
    const url = allowedReturnUrl(p.url, claims.return_url);
    if (!url) throw new KitError('RETURN_URL_NOT_ALLOWED', 'url is not the return URL registered for this session');
    return { kind: 'redirect', url };
  }
  return { kind: 'page' };
}

function send(w: Window, d: Delivery | null, m: EmbedMessage): void {
  if (!d) return;
  if (d.kind === 'bridge') d.bridge.post(m);
  else if (d.kind === 'parent') w.parent.postMessage(m, d.origin);
}

/**
 * Mounts the page. The session token is verified (signature, alg, typ, issuer = the pinned
 * verifier, audience, lifetime, schema) before its origins or return URL are used; on any failure
 * the element shows the error and nothing is uploaded, posted to a parent or redirected.
 */
export async function mountEmbed(o: EmbedOptions): Promise<MountedEmbed> {
  const w = o.window ?? window;
  defineLivenessCapture();
  const el = w.document.createElement('liveness-capture');
  o.configure?.(el);
  let params: EmbedParams | null = null;
  let delivery: Delivery | null = null;
  let claims: SessionClaims | null = null;
  let failure: KitError | null = null;
  o.container.setAttribute('aria-busy', 'true');
  try {
    const query = embedQuery(w.location);
    params = parseEmbedParams(query);
    // the token must not linger in history, referrers or screenshots of the address bar
    if (params.token) w.history.replaceState(w.history.state, '', scrubToken(w.location.href));
    el.locale = resolveLocale(params.locale ?? w.document.documentElement.lang);
    const verifier = pinnedVerifier(o.verifier);
    // a token that cannot be the pinned verifier's fails before any request is made
    precheckSessionToken(params.token, verifier);
    const jwks = await fetchVerifierJwks(verifier, { fetch: o.fetch ?? w.fetch.bind(w) });
    claims = await verifySessionToken(params.token, { verifier, jwks });
    if (params.operation !== claims.op && new URLSearchParams(query).has('operation')) {
      throw new KitError('BAD_REQUEST', 'operation does not match the session');
    }
    delivery = chooseDelivery(w, params, claims);
    if (delivery.kind === 'redirect') rememberReturnUrl(w, delivery.url, claims.exp);
    el.session = params.token;
    el.verifier = verifier;
    el.operation = claims.op;
    el.autoStart = params.autoStart;
  } catch (e) {
    failure = e instanceof KitError ? e : new KitError('BAD_REQUEST');
  }
  o.container.removeAttribute('aria-busy');

  const locale = resolveLocale(el.locale);
  el.addEventListener('liveness-complete', (ev) => {
    const d = (ev as CustomEvent<CompleteDetail>).detail;
    const m = completeMessage(d, { card: params?.card ?? null, message: resultText(locale, d), details: params?.details ?? null });
    // only a recognised (200) or registered (201) person is sent on; review, denial and the rest stay here
    if (delivery?.kind === 'redirect' && (d.response === 200 || d.response === 201)) {
      w.location.assign(
        redirectUrl(delivery.url, { date: m.date, response: m.response, message: m.message, card: m.card, confidence: m.confidence, code: m.code }),
      );
      return;
    }
    if (delivery?.kind === 'redirect') showOutcome(w, o.container, m.message);
    send(w, delivery, m);
  });
  // a dead end (nothing to retry) in a web-view or a redirect flow offers the way back to the app
  const offerBack = (code: string) => {
    const back = backAction(w, code);
    if (back) showBackButton(w, o.container, back, locale);
  };
  el.addEventListener('liveness-error', (ev) => {
    const d = (ev as CustomEvent<ErrorDetail>).detail;
    send(w, delivery, errorMessage(d));
    // only a top-level page (web-view, redirect flow): a framed page never steers its host
    if (!d.retryable && w.parent === w) offerBack(d.code);
  });
  el.addEventListener('liveness-cancel', () => send(w, delivery, { source: MESSAGE_SOURCE, type: 'liveness-cancel' }));
  o.container.append(el);

  if (failure) {
    const code = failure.code as ErrorCode;
    // shown by the element itself (aria-live), and reported to a bridge if there is one; never to a disallowed parent
    el.showError(code);
    if (delivery === null) {
      const bridge = detectBridge(w);
      if (bridge) bridge.post(errorMessage({ code, message: messageFor(code, locale) }));
    }
  } else {
    send(w, delivery, { source: MESSAGE_SOURCE, type: 'liveness-ready' });
  }
  return { element: el, delivery, params };
}

/** Shows a non-redirected outcome under the element (the element itself only says "complete"). */
function showOutcome(w: Window, container: HTMLElement, text: string): void {
  const p = w.document.createElement('p');
  p.setAttribute('role', 'status');
  p.dataset.embedOutcome = '';
  p.textContent = text;
  container.append(p);
}

/** Human text of a verdict for the redirect's `message` parameter. */
export function resultText(locale: string, d: Pick<CompleteDetail, 'response' | 'status'>): string {
  const t: Record<string, [string, string, string]> = {
    'pt-BR': ['Rosto reconhecido.', 'Rosto cadastrado.', 'Em análise.'],
    es: ['Rostro reconocido.', 'Rostro registrado.', 'En revisión.'],
    en: ['Face recognised.', 'Face registered.', 'Under review.'],
  };
  const [ok, reg, review] = t[locale] ?? t['pt-BR'];
  if (d.response === 201) return reg;
  if (d.response === 200) return ok;
  if (d.status === 2) return review;
  return messageFor('DEFAULT', locale as 'pt-BR');
}
