import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { MatcherStore } from './store.ts';

/** `sqlite:PATH` → embedded store; `postgres://…` → PostgreSQL. */
export async function openStore(spec: string): Promise<MatcherStore> {
  if (spec.startsWith('sqlite:')) return openSqliteStore(spec.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(spec)) return openPostgresStore(spec);
  throw new Error('MATCHER_STORE must be sqlite:PATH or postgres://…');
}
