/** Browser model loader: graph models served over HTTP(S) from the page's own origin (e.g. /models/). */
import type { ModelSource } from './types.ts';

/** ModelSource resolving `<base>/<name>.json`; `base` is a same-origin path such as "/models". */
export function urlModelSource(base: string): ModelSource {
  const b = base.endsWith('/') ? base : `${base}/`;
  return async (name: string) => `${b}${encodeURIComponent(name)}.json`;
}
