// Review console: the integrator's sessions at the verifier (through /demo-api, which holds the API
// key), evidence and Approve / Reject for status 2, and the webhooks the demo backend received.
import { DemoApiError, demoApi, type ReceivedWebhook, type SessionView } from './app/api.ts';
import { BAND_LABEL, OPERATION_LABEL, RESPONSE_LABEL, STATUS_LABEL, formatTime } from './app/labels.ts';
import { candidateList } from './app/result.ts';

const tbody = document.querySelector('#sessions tbody') as HTMLTableSectionElement;
const statusEl = document.getElementById('console-status')!;
const countEl = document.getElementById('session-count')!;
const hooksEl = document.getElementById('webhooks')!;
const POLL_MS = 3000;

function cell(tr: HTMLTableRowElement, content: string | Node, cls?: string): HTMLTableCellElement {
  const td = tr.insertCell();
  if (typeof content === 'string') td.textContent = content;
  else td.append(content);
  if (cls) td.className = cls;
  return td;
}

function statusBadge(status: number): HTMLElement {
  const span = document.createElement('span');
  span.className = `status status-${status}`;
  span.dataset.status = String(status);
  span.textContent = `${status} — ${STATUS_LABEL[status] ?? '?'}`;
  return span;
}

function reviewControls(s: SessionView): HTMLElement {
  const box = document.createElement('div');
  box.className = 'review';
  const who = s.name ? `${s.subject} (${s.name})` : s.subject;
  const figs = document.createElement('div');
  figs.className = 'evidence';
  for (let n = 0; n < s.evidenceCount; n++) {
    const img = document.createElement('img');
    img.src = demoApi.evidenceUrl(s.sessionId, n);
    img.alt = `Evidência ${n + 1} de ${s.evidenceCount} — ${who}`;
    img.loading = 'lazy';
    img.width = 96;
    img.height = 96;
    figs.append(img);
  }
  if (!s.evidenceCount) figs.textContent = 'Sem imagens de evidência.';
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  for (const [decision, label] of [['approve', 'Aprovar'], ['reject', 'Rejeitar']] as const) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = decision;
    b.dataset.decision = decision;
    b.textContent = label;
    b.setAttribute('aria-label', `${label} sessão de ${who}`);
    b.addEventListener('click', () => void review(s.sessionId, decision, buttons));
    buttons.append(b);
  }
  box.append(figs, buttons);
  return box;
}

function renderSessions(sessions: SessionView[]): void {
  tbody.replaceChildren();
  if (!sessions.length) {
    const tr = tbody.insertRow();
    const td = cell(tr, 'Nenhuma sessão ainda.');
    td.colSpan = 8;
    return;
  }
  for (const s of sessions) {
    const tr = tbody.insertRow();
    tr.dataset.session = s.sessionId;
    tr.dataset.status = String(s.status);
    const badge = statusBadge(s.status);
    if (s.status === 1 && s.expiresAt * 1000 < Date.now()) badge.append(' (expirada)');
    cell(tr, badge);
    cell(tr, OPERATION_LABEL[s.operation] ?? s.operation);
    const person = document.createElement('span');
    person.textContent = s.name ? `${s.subject ?? '—'} — ${s.name}` : (s.subject ?? '—');
    if (s.message) person.title = `Justificativa: ${s.message}`;
    cell(tr, person);
    const sum = s.summary;
    cell(tr, sum ? (sum.hasBiometry ? String(sum.liveness) : 'sem biometria') : '–', 'num');
    const match = document.createElement('div');
    if (sum?.match) match.append(`${sum.match.score} — ${BAND_LABEL[sum.match.band] ?? sum.match.band}`);
    if (sum?.candidates?.length) match.append(candidateList(sum.candidates));
    if (sum?.response) match.append(` (${RESPONSE_LABEL[sum.response] ?? sum.response})`);
    cell(tr, match.childNodes.length ? match : '–');
    cell(tr, sum?.reasons.length ? sum.reasons.join(', ') : '–', 'reasons');
    const time = document.createElement('time');
    time.dateTime = new Date(s.updatedAt * 1000).toISOString();
    time.textContent = formatTime(s.updatedAt);
    cell(tr, time);
    cell(tr, s.status === 2 ? reviewControls(s) : '–');
  }
}

function renderWebhooks(events: ReceivedWebhook[]): void {
  hooksEl.replaceChildren();
  if (!events.length) {
    const li = document.createElement('li');
    li.textContent = 'Nenhum webhook recebido ainda.';
    hooksEl.append(li);
    return;
  }
  for (const e of events) {
    const li = document.createElement('li');
    li.dataset.session = e.sessionId;
    li.dataset.status = String(e.status);
    const c = e.claims;
    const parts = [
      formatTime(e.receivedAt),
      `sessão ${e.sessionId}`,
      `status ${e.status} — ${STATUS_LABEL[e.status]}`,
      c ? `${OPERATION_LABEL[c.op] ?? c.op} ${c.sub}` : '',
      c?.match ? `score ${c.match.score}` : '',
      c?.response ? `resposta ${c.response}` : '',
      e.verdictVerified ? 'veredito verificado' : 'veredito NÃO verificado',
    ].filter(Boolean);
    li.textContent = parts.join(' · ');
    hooksEl.append(li);
  }
}

let lastSessions = '';
let lastHooks = '';

async function refresh(): Promise<void> {
  try {
    const [{ sessions }, { events }] = await Promise.all([demoApi.sessions(), demoApi.webhooks()]);
    // re-render only on change: keeps focus, and does not refetch evidence images every poll
    const sj = JSON.stringify(sessions);
    if (sj !== lastSessions) {
      lastSessions = sj;
      renderSessions(sessions);
    }
    const hj = JSON.stringify(events);
    if (hj !== lastHooks) {
      lastHooks = hj;
      renderWebhooks(events);
    }
    countEl.textContent = `${sessions.length} · atualizado ${new Date().toLocaleTimeString('pt-BR')}`;
  } catch (e) {
    statusEl.textContent = `Falha ao consultar o verificador (${e instanceof DemoApiError ? e.code : 'erro'}).`;
  }
}

async function review(id: string, decision: 'approve' | 'reject', buttons: HTMLElement): Promise<void> {
  for (const b of buttons.querySelectorAll('button')) b.disabled = true;
  try {
    const r = await demoApi.review(id, decision);
    statusEl.textContent = `Sessão ${id}: ${decision === 'approve' ? 'aprovada' : 'rejeitada'} (status ${r.status}).`;
  } catch (e) {
    statusEl.textContent = `Revisão falhou: ${e instanceof DemoApiError ? `${e.message} (${e.code})` : 'erro'}.`;
    for (const b of buttons.querySelectorAll('button')) b.disabled = false;
  }
  await refresh();
}

document.getElementById('refresh')!.addEventListener('click', () => void refresh());
void refresh();
setInterval(() => void refresh(), POLL_MS);
