import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from './sqlite.ts';
import { storeSuite } from './store.test-suite.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'matcher-sqlite-'));
storeSuite('sqlite', async () => openSqliteStore(path.join(dir, 'm.db')), async () => rmSync(dir, { recursive: true, force: true }));
