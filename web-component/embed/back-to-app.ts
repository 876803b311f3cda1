/**
 * "Back to the app" after a dead end in a web-view (a reload after the token was scrubbed, a used
 * or expired session): through the native bridge when there is one, else to the return URL this
 * tab validated against a session earlier. Nothing from the current address bar is trusted on its
 * own: a return URL is offered only if a verified session named it in this tab (sessionStorage).
 */
import { detectBridge } from './bridges.ts';
import { MESSAGE_SOURCE } from './result-message.ts';

const KEY = 'liveness-capture:return-url';
/** how long after the session's expiry a remembered return URL is still offered (s) */
const GRACE_S = 15 * 60;

export type BackAction = { kind: 'bridge'; post(): void } | { kind: 'link'; href: string } | null;

interface Store {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

function storeOf(w: Window): Store | null {
  try {
    return w.sessionStorage;
  } catch {
    return null; // storage disabled (some web-views): no remembered URL
  }
}

/** Remembers the return URL a verified session allowed, for a later dead end in the same tab. */
export function rememberReturnUrl(w: Window, url: URL, expS: number): void {
  try {
    storeOf(w)?.setItem(KEY, JSON.stringify({ href: url.href, exp: expS }));
  } catch {
    /* quota or disabled storage: the button is just not offered later */
  }
}

/** The way back, or null when there is none to offer. `nowS` is seconds since the epoch. */
export function backAction(w: Window, code: string, nowS = Date.now() / 1000): BackAction {
  const bridge = detectBridge(w);
  if (bridge) return { kind: 'bridge', post: () => bridge.post({ source: MESSAGE_SOURCE, type: 'liveness-close', code }) };
  let raw: string | null = null;
  try {
    raw = storeOf(w)?.getItem(KEY) ?? null;
  } catch {
    raw = null;
  }
  if (!raw) return null;
  try {
    const { href, exp } = JSON.parse(raw) as { href?: unknown; exp?: unknown };
    if (typeof href !== 'string' || typeof exp !== 'number' || nowS > exp + GRACE_S) return null;
    return { kind: 'link', href: new URL(href).href };
  } catch {
    return null;
  }
}

const LABEL: Record<string, string> = { 'pt-BR': 'Voltar ao app', es: 'Volver a la app', en: 'Back to the app' };

/** Adds the button under the element (once). */
export function showBackButton(w: Window, container: HTMLElement, action: NonNullable<BackAction>, locale: string): void {
  if (container.querySelector('[data-back-to-app]')) return;
  const b = w.document.createElement('button');
  b.type = 'button';
  b.dataset.backToApp = '';
  b.textContent = LABEL[locale] ?? LABEL['pt-BR'];
  b.addEventListener('click', () => (action.kind === 'bridge' ? action.post() : w.location.assign(action.href)));
  container.append(b);
}
