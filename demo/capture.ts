// The tag on a page. The session token is set as a property by the page's own code (here: pasted
// into the demo form with `?manual`, or set by a test); never via the URL.
import { defineLivenessCapture } from '../web-component/element/liveness-capture.ts';
import type { CompleteDetail, ErrorDetail, ProgressDetail } from '../web-component/element/capture-controller.ts';

defineLivenessCapture();

declare global {
  interface Window {
    __lc?: { events: { type: string; detail: unknown }[] };
  }
}

const el = document.querySelector('liveness-capture')!;
const out = document.querySelector('#result')!;
const log: NonNullable<Window['__lc']> = { events: [] };
window.__lc = log;
const lang = new URLSearchParams(location.search).get('locale');
if (lang) el.locale = lang;

el.addEventListener('liveness-progress', (e) => log.events.push({ type: 'progress', detail: (e as CustomEvent<ProgressDetail>).detail }));
el.addEventListener('liveness-complete', (e) => {
  const d = (e as CustomEvent<CompleteDetail>).detail;
  log.events.push({ type: 'complete', detail: d });
  // show the decoded (unverified) verdict; the relying party's backend verifies the JWT itself
  out.textContent = JSON.stringify({ status: d.status, response: d.response, claims: d.claims }, null, 2);
});
el.addEventListener('liveness-error', (e) => {
  const d = (e as CustomEvent<ErrorDetail>).detail;
  log.events.push({ type: 'error', detail: d });
  out.textContent = `${d.code}: ${d.message}`;
});
el.addEventListener('liveness-cancel', () => log.events.push({ type: 'cancel', detail: null }));

// manual demo: paste a token minted with the demo API key (`curl -X POST …/v1/sessions`)
if (new URLSearchParams(location.search).has('manual')) {
  const form = document.querySelector<HTMLFormElement>('#session-form')!;
  form.hidden = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    el.verifier = document.querySelector<HTMLInputElement>('#verifier-url')!.value;
    el.session = document.querySelector<HTMLTextAreaElement>('#session-token')!.value.trim();
  });
}
