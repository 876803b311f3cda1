import { describe, expect, it } from 'vitest';
import { GUIDANCE, LOCALES, MESSAGES, guidanceFor, messageFor } from './messages.ts';
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

describe('guidance words', () => {
  const guided = ['FACE_NOT_FOUND', 'FACE_MULTIPLE', 'FACE_OUTSIDE_GUIDE', 'FACE_NOT_FRONTAL', 'EYES_NOT_VISIBLE', 'EYES_CLOSED', 'NO_BLINK',
    'PHONE_IN_FRAME', 'TOO_DARK', 'TOO_BRIGHT', 'BACKLIT', 'TOO_FAR', 'TOO_CLOSE', 'HOLD_STILL', 'MOVE_CLOSER_STEP', 'FACE_NOT_LIVE',
    'APPROACH_RETRY', 'RECAPTURE_NEEDED', 'NO_MATCH', 'TURN_LEFT', 'TURN_RIGHT', 'TURN_NOT_COMPLETED', 'CHALLENGE_NOT_MET'] as const;

  it('every locale guides with the same codes', () => {
    for (const l of LOCALES) expect(Object.keys(GUIDANCE[l]).sort()).toEqual(Object.keys(GUIDANCE['pt-BR']).sort());
  });

  it('never shouts and never accuses: no all-caps words, no "live face" wording, in every locale', () => {
    for (const l of LOCALES) {
      for (const c of guided) {
        const t = guidanceFor(c, l);
        expect(t, `${l} ${c}`).not.toBe(MESSAGES[l].DEFAULT);
        expect(t, `${l} ${c}`).not.toMatch(/\b[A-ZÁÉÍÓÚÂÊÔÃÕÇ]{4,}\b/);
        expect(t, `${l} ${c}`).not.toMatch(/viv[ao]|\blive\b/i);
      }
    }
  });

  it('keeps the API message for the liveness failure (BioDoc wording)', () => {
    expect(guidanceFor('FACE_NOT_LIVE')).toBe('Olhe para a câmera, com o rosto dentro da moldura.');
    expect(messageFor('FACE_NOT_LIVE')).toMatch(/^FACE VIVA NÃO DETECTADA/);
  });
});
