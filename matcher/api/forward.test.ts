import { describe, expect, it } from 'vitest';
import { heavyTarget } from './forward.ts';

describe('heavyTarget: which requests leave the receiving node', () => {
  it('1:1 verify and enrolment go to the person (id decoded)', () => {
    expect(heavyTarget('POST', '/persons/acme%3Ap1/verify')).toEqual({ person: 'acme:p1' });
    expect(heavyTarget('PUT', '/persons/acme:p1')).toEqual({ person: 'acme:p1' });
  });
  it('extraction-bound requests go to any member by weight', () => {
    for (const p of ['/identify', '/verify', '/liveness']) expect(heavyTarget('POST', p)).toBe('any');
  });
  it('reads, deletes, audits, health and peer traffic stay here', () => {
    for (const [m, p] of [['GET', '/persons/a'], ['DELETE', '/persons/a'], ['POST', '/persons/a/audit'], ['GET', '/persons/a/verify'], ['POST', '/cluster/search'], ['GET', '/status'], ['GET', '/identify'], ['POST', '/persons/%E0%A4%A/verify']] as const) {
      expect(heavyTarget(m, p), `${m} ${p}`).toBeNull();
    }
  });
});
