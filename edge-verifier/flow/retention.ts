import type { Config } from '../config.ts';
import type { VerifierStore } from '../store/types.ts';

const DAY_S = 86_400;

/**
 * Retention purge (hourly on Node, a cron trigger on Workers): session records, consumed nonces
 * and evidence-frame hashes older than `recordsDays`, review evidence older than
 * `reviewEvidenceDays`. Answers the rows removed per table (counts only, never data).
 */
export function purgeExpired(store: VerifierStore, config: Config, now: number): Promise<Record<string, number>> {
  const r = config.retention;
  return store.purge(now - Math.round(r.recordsDays * DAY_S), now - Math.round(r.reviewEvidenceDays * DAY_S));
}
