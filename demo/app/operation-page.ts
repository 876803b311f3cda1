// One operation page (enrol, verify, identify, update): a form → a verifier session created by the
// demo backend → <liveness-capture> → the outcome as the backend sees it (verdict verified there).
import { DemoApiError, demoApi, type Operation, type SessionView } from './api.ts';
import { renderSession } from './result.ts';

export interface OperationPageOptions {
  operation: Operation;
}

interface CaptureElement extends HTMLElement {
  session: string | null;
  verifier: string | null;
  locale: string;
  operation: string | null;
  autoStart: boolean;
}

/** State exposed for the browser tests (no tokens). */
export interface DemoPageState {
  sessionId?: string;
  events: { type: string; code?: string; status?: number }[];
  /** guidance codes seen so far, in order of first appearance */
  progress: string[];
  outcome?: SessionView;
}

declare global {
  interface Window {
    __demo?: DemoPageState;
  }
}

function field(form: HTMLFormElement, name: string): string | undefined {
  const v = new FormData(form).get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Loads the element; the page stays usable (with a message) when the component cannot load. */
async function loadElement(): Promise<boolean> {
  try {
    const wc = await import('../../web-component/index.ts');
    wc.defineLivenessCapture();
    return true;
  } catch {
    return false;
  }
}

export function mountOperationPage(o: OperationPageOptions): void {
  const form = document.getElementById('start-form') as HTMLFormElement;
  const formError = document.getElementById('form-error')!;
  const captureSection = document.getElementById('capture-section')!;
  const slot = document.getElementById('capture-slot')!;
  const resultSection = document.getElementById('result-section')!;
  const result = document.getElementById('result')!;
  const statusLine = document.getElementById('page-status')!;
  const state: DemoPageState = { events: [], progress: [] };
  window.__demo = state;
  const elementReady = loadElement();

  const showOutcome = async (sessionId: string): Promise<void> => {
    resultSection.hidden = false;
    statusLine.textContent = 'Consultando o resultado no servidor…';
    try {
      const s = await demoApi.session(sessionId);
      state.outcome = s;
      renderSession(result, s);
      statusLine.textContent = 'Resultado confirmado pelo servidor.';
    } catch (e) {
      statusLine.textContent = `Não foi possível consultar o resultado (${e instanceof DemoApiError ? e.code : 'erro'}).`;
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void (async () => {
      formError.textContent = '';
      const submit = form.querySelector('button[type=submit]') as HTMLButtonElement;
      submit.disabled = true;
      try {
        const started = await demoApi.startSession({
          operation: o.operation,
          subject: field(form, 'subject'),
          name: field(form, 'name'),
          card: field(form, 'card'),
          message: field(form, 'message'),
        });
        state.sessionId = started.sessionId;
        resultSection.hidden = true;
        captureSection.hidden = false;
        if (!(await elementReady)) {
          statusLine.textContent = 'O componente <liveness-capture> não pôde ser carregado neste servidor de desenvolvimento.';
          return;
        }
        const el = document.createElement('liveness-capture') as CaptureElement;
        el.locale = document.documentElement.lang || 'pt-BR';
        el.verifier = started.verifier;
        el.operation = o.operation;
        el.session = started.token;
        el.autoStart = true;
        el.addEventListener('liveness-progress', (e) => {
          const code = (e as CustomEvent<{ code: string }>).detail.code;
          if (!state.progress.includes(code)) state.progress.push(code);
        });
        el.addEventListener('liveness-complete', (e) => {
          const d = (e as CustomEvent<{ sessionId: string; status: number }>).detail;
          state.events.push({ type: 'complete', status: d.status });
          void showOutcome(d.sessionId);
        });
        el.addEventListener('liveness-error', (e) => {
          const d = (e as CustomEvent<{ code: string; message: string; retryable: boolean }>).detail;
          state.events.push({ type: 'error', code: d.code });
          if (!d.retryable) void showOutcome(started.sessionId);
        });
        el.addEventListener('liveness-cancel', () => {
          state.events.push({ type: 'cancel' });
          statusLine.textContent = 'Captura cancelada.';
        });
        slot.replaceChildren(el);
        statusLine.textContent = 'Sessão criada. Siga as instruções da câmera.';
      } catch (e) {
        formError.textContent = e instanceof DemoApiError ? `${e.message} (${e.code})` : 'Erro inesperado.';
      } finally {
        submit.disabled = false;
      }
    })();
  });
}
