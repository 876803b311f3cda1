import { describe, expect, it } from 'vitest';
import { InstructionDebouncer, REQUIRED_PASSIVE, instructionFor } from './guidance.ts';
import type { FrameResult } from './pipeline-port.ts';

const pass = { pass: true, value: 1 };
const allPass = { face: pass, eyes: pass, phone: pass, lighting: pass, distance: pass, liveness: pass };

function frame(o: Partial<FrameResult> = {}): FrameResult {
  return { t: 0, faces: 1, checks: { ...allPass }, ...o };
}

describe('instructionFor', () => {
  it('is null when every required check passes', () => {
    expect(instructionFor(frame(), REQUIRED_PASSIVE)).toBeNull();
  });
  it('reports a phone before anything else', () => {
    const r = frame({ checks: { ...allPass, phone: { pass: false, value: 0.4 }, lighting: { pass: false, value: 20, code: 'TOO_DARK' } } });
    expect(instructionFor(r, REQUIRED_PASSIVE)).toBe('PHONE_IN_FRAME');
  });
  it('reports darkness even when no face is found', () => {
    const r = frame({ faces: 0, checks: { ...allPass, face: { pass: false, value: 0 }, lighting: { pass: false, value: 20, code: 'TOO_DARK' } } });
    expect(instructionFor(r, REQUIRED_PASSIVE)).toBe('TOO_DARK');
  });
  it('uses the check code, or the default code of the check', () => {
    expect(instructionFor(frame({ checks: { ...allPass, distance: { pass: false, value: 60, code: 'TOO_CLOSE' } } }), REQUIRED_PASSIVE)).toBe('TOO_CLOSE');
    expect(instructionFor(frame({ checks: { ...allPass, eyes: { pass: false, value: 0 } } }), REQUIRED_PASSIVE)).toBe('EYES_NOT_VISIBLE');
    expect(instructionFor(frame({ checks: { ...allPass, face: { pass: false, value: 0, code: 'NOT_A_CODE' } } }), REQUIRED_PASSIVE)).toBe('FACE_NOT_FOUND');
  });
  it('asks for one face', () => {
    expect(instructionFor(frame({ faces: 0 }), REQUIRED_PASSIVE)).toBe('FACE_NOT_FOUND');
    expect(instructionFor(frame({ faces: 2 }), REQUIRED_PASSIVE)).toBe('FACE_MULTIPLE');
  });
  it('never passes a check that has not reported', () => {
    const { liveness: _, ...partial } = allPass;
    expect(instructionFor(frame({ checks: partial }), REQUIRED_PASSIVE)).toBe('HOLD_STILL');
  });
});

describe('InstructionDebouncer', () => {
  it('shows the first instruction at once and later ones after the hold time', () => {
    const d = new InstructionDebouncer(300);
    expect(d.push('TOO_DARK', 0)).toBe('TOO_DARK');
    expect(d.push('TOO_FAR', 100)).toBe('TOO_DARK');
    expect(d.push('TOO_FAR', 350)).toBe('TOO_DARK');
    expect(d.push('TOO_FAR', 400)).toBe('TOO_FAR');
  });
  it('ignores a one-frame flicker', () => {
    const d = new InstructionDebouncer(300);
    d.push('TOO_DARK', 0);
    d.push('TOO_FAR', 100);
    expect(d.push('TOO_DARK', 140)).toBe('TOO_DARK');
    expect(d.push('TOO_FAR', 500)).toBe('TOO_DARK');
  });
});
