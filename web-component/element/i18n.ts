/** Locale resolution and the element's own UI strings (guidance messages come from the protocol). */
import { LOCALES, guidanceFor, type ErrorCode, type Locale } from '../../protocol/index.ts';

export function resolveLocale(x: string | null | undefined): Locale {
  if (!x) return 'pt-BR';
  if ((LOCALES as readonly string[]).includes(x)) return x as Locale;
  const lang = x.toLowerCase().split('-')[0];
  if (lang === 'pt') return 'pt-BR';
  if (lang === 'es') return 'es';
  if (lang === 'en') return 'en';
  return 'pt-BR';
}

const UI = {
  'pt-BR': {
    start: 'Iniciar', retry: 'Tentar novamente', cancel: 'Cancelar', progress: 'Progresso da captura',
    starting: 'Abrindo a câmera…', uploading: 'Verificando…',
    preview: 'Pré-visualização da câmera', ready: 'Toque em Iniciar para começar.',
  },
  es: {
    start: 'Iniciar', retry: 'Intentar de nuevo', cancel: 'Cancelar', progress: 'Progreso de la captura',
    starting: 'Abriendo la cámara…', uploading: 'Verificando…',
    preview: 'Vista previa de la cámara', ready: 'Pulse Iniciar para comenzar.',
  },
  en: {
    start: 'Start', retry: 'Try again', cancel: 'Cancel', progress: 'Capture progress',
    starting: 'Opening the camera…', uploading: 'Verifying…',
    preview: 'Camera preview', ready: 'Press Start to begin.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type UiKey = keyof (typeof UI)['en'];

export function ui(locale: Locale, key: UiKey): string {
  return UI[locale][key];
}

/** What the element says for a code: calm guidance words, or the error's message (see protocol GUIDANCE). */
export function guidanceText(locale: Locale, code: ErrorCode | string): string {
  return guidanceFor(code, locale);
}

/** What a finished capture means for the person, from the verdict's status and response. */
export type OutcomeKind = 'approved' | 'registered' | 'review' | 'not_recognised' | 'ended' | 'failed';

export function outcomeOf(o: { status: 1 | 2 | 3 | 4 | 5; response?: 200 | 201 }): OutcomeKind {
  if (o.response === 201) return 'registered';
  if (o.response === 200) return 'approved';
  if (o.status === 2) return 'review';
  if (o.status === 3) return 'not_recognised';
  if (o.status === 4) return 'ended';
  return 'failed';
}

const OUTCOME: Record<Locale, Record<OutcomeKind, string>> = {
  'pt-BR': {
    approved: 'Pronto! Sua identidade foi confirmada.',
    registered: 'Pronto! Seu cadastro foi concluído.',
    review: 'Recebemos sua captura. Um analista vai conferir e você será avisado do resultado.',
    not_recognised: 'Não conseguimos confirmar sua identidade.',
    ended: 'Esta verificação foi encerrada.',
    failed: 'Não foi possível concluir a verificação. Inicie uma nova verificação.',
  },
  es: {
    approved: '¡Listo! Su identidad fue confirmada.',
    registered: '¡Listo! Su registro fue completado.',
    review: 'Recibimos su captura. Un analista la revisará y le avisaremos el resultado.',
    not_recognised: 'No pudimos confirmar su identidad.',
    ended: 'Esta verificación fue cerrada.',
    failed: 'No fue posible completar la verificación. Inicie una nueva verificación.',
  },
  en: {
    approved: 'Done! Your identity was confirmed.',
    registered: 'Done! You are registered.',
    review: 'We received your capture. An analyst will review it and you will be told the result.',
    not_recognised: 'We could not confirm your identity.',
    ended: 'This verification was closed.',
    failed: 'The verification could not be completed. Start a new verification.',
  },
};

export function outcomeText(locale: Locale, kind: OutcomeKind): string {
  return OUTCOME[locale][kind];
}

/** "expires in m:ss" for the last minute of a session. */
export function expiryText(locale: Locale, seconds: number): string {
  const mmss = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return { 'pt-BR': `A sessão expira em ${mmss}.`, es: `La sesión expira en ${mmss}.`, en: `The session expires in ${mmss}.` }[locale];
}
