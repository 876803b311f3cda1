import { describe, expect, it } from 'vitest';
import { galleryOf, personIdOf, subjectOf } from './namespace.ts';

describe('integrator namespaces', () => {
  it('round-trips a subject and refuses another integrator\'s ids', () => {
    expect(subjectOf('acme', personIdOf('acme', 'p:1'))).toBe('p:1');
    expect(subjectOf('acme', personIdOf('acme2', 'p'))).toBeNull();
    expect(subjectOf('acme2', personIdOf('acme', 'p'))).toBeNull();
    expect(subjectOf('acme', 'acme:')).toBeNull();
    expect(subjectOf('acme', 'p')).toBeNull();
    expect(galleryOf('acme')).not.toBe(galleryOf('acme2'));
  });
});
