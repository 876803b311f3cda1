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

/**
 * A watch-list's gallery and its entries' person ids. `wl.<integrator>` can never be an integrator
 * id (no '.' there), so an entry is never one of the integrator's subjects and never shows in 1:N.
 */
export function watchGalleryOf(integrator: string, list: string): string {
  return `watch.${integrator}.${list}`;
}

export function watchPersonIdOf(integrator: string, list: string, entry: string): string {
  return `wl.${integrator}:${list}:${entry}`;
}

/** The entry id of a watch-list person id, or null when it is not one of this list's. */
export function watchEntryOf(integrator: string, list: string, personId: string): string | null {
  const prefix = `wl.${integrator}:${list}:`;
  return personId.startsWith(prefix) && personId.length > prefix.length ? personId.slice(prefix.length) : null;
}

/** The integrator's subject for a matcher person id, or null when the id belongs to someone else. */
export function subjectOf(integrator: string, personId: string): string | null {
  const prefix = `${integrator}:`;
  return personId.startsWith(prefix) && personId.length > prefix.length ? personId.slice(prefix.length) : null;
}
