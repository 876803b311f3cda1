// Home page: navigation, and launchers for the iframe (host page on another origin) and web-view
// (redirect to the registered return URL) integrations.
import { DemoApiError, demoApi, type DemoConfig, type Operation } from './app/api.ts';

const form = document.getElementById('embed-form') as HTMLFormElement;
const errorEl = document.getElementById('embed-error')!;
const hostOriginEl = document.getElementById('host-origin')!;

/** The host page must be another origin: the one `npm start` serves, else the other loopback name. */
function hostOriginOf(cfg: DemoConfig | null): string {
  if (cfg?.hostOrigin) return cfg.hostOrigin;
  const u = new URL(location.origin);
  u.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return u.origin;
}

const config = demoApi.config().catch(() => null);
void config.then((cfg) => (hostOriginEl.textContent = hostOriginOf(cfg)));

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const mode = ((ev as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'webview' ? 'webview' : 'iframe';
  const data = new FormData(form);
  const text = (k: string) => {
    const v = data.get(k);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const operation = (text('operation') ?? 'VERIFICATION') as Operation;
  void (async () => {
    errorEl.textContent = '';
    try {
      const cfg = await config;
      const s = await demoApi.startSession({ operation, subject: text('subject'), message: text('message'), redirect: mode === 'webview' });
      const q = new URLSearchParams({ token: s.token, operation, autoStart: '1', locale: 'pt-BR' });
      const message = text('message');
      if (message) q.set('message', message);
      if (mode === 'webview') {
        q.set('url', cfg?.returnUrl ?? `${location.origin}/return.html`);
        location.assign(`/iframe.html?${q}`);
      } else {
        // the host page reads the iframe address from its fragment (never sent to a server)
        const src = `${location.origin}/iframe.html?${q}`;
        location.assign(`${hostOriginOf(cfg)}/host.html#${encodeURIComponent(src)}`);
      }
    } catch (e) {
      errorEl.textContent = e instanceof DemoApiError ? `${e.message} (${e.code})` : 'Erro inesperado.';
    }
  })();
});
