/**
 * Integrators are separate tenants in the matcher: person ids and the gallery are prefixed with the
 * integrator's id, so one integrator can neither read, match nor overwrite another's persons.
 * Integrator ids are `[A-Za-z0-9_-]{1,32}` (config), subjects never contain the separator's
 * position ambiguity because the prefix ends at the first ':'.
 */

/** The matcher person id of an integrator's subject. */
export function personIdOf(integrator: string, subject: string): string {
  return `${integrator}:${subject}`;
}

/** The matcher gallery that holds every person of one integrator (1:N and duplicate search stay inside it). */
export function galleryOf(integrator: string): string {
  return `tenant.${integrator}`;
}

/** The integrator's subject for a matcher person id, or null when the id belongs to someone else. */
export function subjectOf(integrator: string, personId: string): string | null {
  const prefix = `${integrator}:`;
  return personId.startsWith(prefix) && personId.length > prefix.length ? personId.slice(prefix.length) : null;
}
