/** Locale resolution and the element's own UI strings (guidance messages come from the protocol). */
import { LOCALES, messageFor, type ErrorCode, type Locale } from '../../protocol/index.ts';

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
    starting: 'Abrindo a câmera…', uploading: 'Verificando…', complete: 'Verificação concluída.',
    preview: 'Pré-visualização da câmera', ready: 'Toque em Iniciar para começar.',
  },
  es: {
    start: 'Iniciar', retry: 'Intentar de nuevo', cancel: 'Cancelar', progress: 'Progreso de la captura',
    starting: 'Abriendo la cámara…', uploading: 'Verificando…', complete: 'Verificación completada.',
    preview: 'Vista previa de la cámara', ready: 'Pulse Iniciar para comenzar.',
  },
  en: {
    start: 'Start', retry: 'Try again', cancel: 'Cancel', progress: 'Capture progress',
    starting: 'Opening the camera…', uploading: 'Verifying…', complete: 'Verification complete.',
    preview: 'Camera preview', ready: 'Press Start to begin.',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type UiKey = keyof (typeof UI)['en'];

export function ui(locale: Locale, key: UiKey): string {
  return UI[locale][key];
}

export function guidanceText(locale: Locale, code: ErrorCode | string): string {
  return messageFor(code, locale);
}
