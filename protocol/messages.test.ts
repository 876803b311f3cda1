import { describe, expect, it } from 'vitest';
import { LOCALES, MESSAGES, messageFor } from './messages.ts';
import { ERRORS } from './errors.ts';

describe('messages', () => {
  it('every locale covers the same codes, all of them real error codes', () => {
    const keys = (l: (typeof LOCALES)[number]) => Object.keys(MESSAGES[l]).sort();
    for (const l of LOCALES) {
      expect(keys(l)).toEqual(keys('pt-BR'));
      for (const k of keys(l)) if (k !== 'DEFAULT') expect(ERRORS).toHaveProperty(k);
    }
  });

  it('speaks pt-BR by default and falls back for unknown codes', () => {
    expect(messageFor('FACE_NOT_LIVE')).toBe('FACE VIVA NÃO DETECTADA. Por favor, centralize o rosto na câmera.');
    expect(messageFor('TOO_DARK', 'en')).toMatch(/dark/i);
    expect(messageFor('NOT_A_CODE', 'es')).toBe(MESSAGES.es.DEFAULT);
  });
});
