// The single-image page: a photo → POST /demo-api/liveness/image (the demo backend adds the
// single-image integrator's API key) → each step's result, the answer and the two images.
import type { ImageStep, LivenessImageResponse } from '../protocol/index.ts';

const form = document.getElementById('photo-form') as HTMLFormElement;
const file = document.getElementById('photo-file') as HTMLInputElement;
const device = document.getElementById('photo-device') as HTMLSelectElement;
const pre = document.getElementById('photo-pre') as HTMLInputElement;
const status = document.getElementById('photo-status')!;
const table = document.getElementById('photo-steps') as HTMLTableElement;
const cutout = document.getElementById('photo-cutout') as HTMLImageElement;
const faces = document.getElementById('photo-faces') as HTMLImageElement;

const STEP: Record<ImageStep['step'], string> = {
  faces: 'rostos', eyes: 'olhos', photo_of_photo: 'foto de foto', lighting: 'iluminação', distance: 'distância (cm)', liveness: 'vivacidade (0–100)',
};
const RESULT: Record<LivenessImageResponse['result'], string> = {
  real: 'Pessoa viva', not_live: 'Vivacidade não confirmada', rejected: 'Foto recusada na pré-análise',
};

function base64Of(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

function show(fig: string, img: HTMLImageElement, src: string | undefined): void {
  document.getElementById(fig)!.hidden = !src;
  if (src) img.src = src;
}

function render(a: LivenessImageResponse): void {
  const conf = a.confidence !== undefined ? ` — confiança ${a.confidence}` : '';
  status.textContent = `${RESULT[a.result]}${conf}${a.message ? `. ${a.message}` : ''}`;
  status.dataset.result = a.result;
  const body = table.tBodies[0];
  body.replaceChildren();
  for (const s of a.steps) {
    const tr = document.createElement('tr');
    tr.dataset.step = s.step;
    for (const text of [STEP[s.step], s.pass ? 'ok' : 'falhou', s.value === undefined ? '' : String(s.value) + (s.detail ? ` (${s.detail})` : ''), s.code ?? '']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  table.hidden = false;
  show('photo-cutout-fig', cutout, a.images ? `data:image/png;base64,${a.images.backgroundRemoved}` : undefined);
  show('photo-faces-fig', faces, a.images ? `data:image/jpeg;base64,${a.images.faces}` : undefined);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    const f = file.files?.[0];
    if (!f) return;
    status.textContent = 'Analisando…';
    delete status.dataset.result;
    try {
      const res = await fetch('/demo-api/liveness/image', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'pt-BR' },
        body: JSON.stringify({ image: await base64Of(f), preAnalysis: pre.checked, device: device.value }),
      });
      const body = (await res.json()) as LivenessImageResponse & { code?: string; message?: string };
      if (res.status !== 200) {
        status.textContent = `Erro ${res.status}: ${body.code ?? ''} ${body.message ?? ''}`.trim();
        status.dataset.result = 'error';
        table.hidden = true;
        show('photo-cutout-fig', cutout, undefined);
        show('photo-faces-fig', faces, undefined);
        return;
      }
      render(body);
    } catch {
      status.textContent = 'Não foi possível falar com o servidor da demo.';
      status.dataset.result = 'error';
    }
  })();
});
