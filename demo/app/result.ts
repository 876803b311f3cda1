// Renders a session's outcome as a definition list (shared by the operation pages and the console).
import type { SessionView } from './api.ts';
import { BAND_LABEL, OPERATION_LABEL, RESPONSE_LABEL, STATUS_LABEL } from './labels.ts';

function row(dl: HTMLElement, term: string, value: string | Node): void {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  if (typeof value === 'string') dd.textContent = value;
  else dd.append(value);
  dl.append(dt, dd);
}

/** Candidates of a 1:N search as an ordered list (best first). */
export function candidateList(candidates: { id: string; score: number }[]): HTMLElement {
  const ol = document.createElement('ol');
  ol.className = 'candidates';
  for (const c of candidates) {
    const li = document.createElement('li');
    li.textContent = `${c.id} (score ${c.score})`;
    ol.append(li);
  }
  return ol;
}

export function renderSession(dl: HTMLElement, s: SessionView): void {
  dl.replaceChildren();
  row(dl, 'Sessão', s.sessionId);
  row(dl, 'Operação', OPERATION_LABEL[s.operation] ?? s.operation);
  row(dl, 'Pessoa', s.name ? `${s.subject ?? '—'} — ${s.name}` : (s.subject ?? '—'));
  const status = document.createElement('span');
  status.className = `status status-${s.status}`;
  status.dataset.status = String(s.status);
  status.textContent = `${s.status} — ${STATUS_LABEL[s.status] ?? '?'}`;
  row(dl, 'Status', status);
  const sum = s.summary;
  if (sum) {
    if (sum.response) row(dl, 'Resposta', RESPONSE_LABEL[sum.response] ?? String(sum.response));
    row(dl, 'Liveness (0–100)', sum.hasBiometry ? String(sum.liveness) : 'sem biometria (modo gestor)');
    if (sum.match) row(dl, 'Score (−100…+100)', `${sum.match.score} — ${BAND_LABEL[sum.match.band] ?? sum.match.band}, identidade ${sum.match.identity}`);
    if (sum.candidates) row(dl, 'Candidatos', sum.candidates.length ? candidateList(sum.candidates) : 'nenhum');
    if (sum.reasons.length) row(dl, 'Motivos', sum.reasons.join(', '));
  }
  row(dl, 'Tentativas', `${s.attempts} de ${s.maxAttempts}`);
  if (s.verdictVerified !== undefined) row(dl, 'Veredito verificado pelo servidor', s.verdictVerified ? 'sim (JWKS do verificador)' : 'não');
}
