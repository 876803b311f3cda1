// Integrators of the local stack beyond the demo's own: kept in <DEMO_DATA_DIR>/integrators.json
// (default .data/, never committed), added with `npm run integrator -- add …`, and seeded into the
// verifier by `npm start` beside the demo integrators. Pure functions here; the CLI is
// scripts/integrator.mjs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** the verifier's rule (edge-verifier/config.ts IntegratorSchema) */
const ID = /^[A-Za-z0-9_-]{1,32}$/;
/** ids `npm start` seeds itself */
export const RESERVED_IDS = new Set(['demo', 'demo-photo']);

/** `http(s)://host[:port]` exactly (what a browser sends as Origin), or an error message. */
export function checkOrigin(o) {
  let u;
  try {
    u = new URL(o);
  } catch {
    return `${o}: not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `${o}: http or https only`;
  if (u.origin !== o.replace(/\/$/, '')) return `${o}: an origin has no path, query or credentials (${u.origin})`;
  return null;
}

/** Reads the file's list (none yet: empty). */
export function readLocalIntegrators(file) {
  if (!existsSync(file)) return [];
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(raw?.integrators)) throw new Error(`${file}: expected {"integrators": [...]}`);
  return raw.integrators;
}

export function writeLocalIntegrators(file, list) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ integrators: list }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Adds (or replaces, same id) an integrator; answers the new list and its API key (a new random
 * one unless given). Throws with a message a person can act on.
 */
export function addIntegrator(list, o) {
  if (!o.id || !ID.test(o.id)) throw new Error('--id: 1–32 of A-Z a-z 0-9 _ -');
  if (RESERVED_IDS.has(o.id)) throw new Error(`--id ${o.id} is the demo's own`);
  const origins = [...new Set((o.origins ?? []).map((x) => x.replace(/\/$/, '')))];
  if (!origins.length) throw new Error('--origin: at least one page origin, e.g. --origin http://localhost:3000');
  for (const x of origins) {
    const e = checkOrigin(x);
    if (e) throw new Error(`--origin ${e}`);
  }
  for (const r of o.returnUrls ?? []) if (checkOrigin(new URL(r).origin)) throw new Error(`--return-url ${r}: not an http(s) URL`);
  const apiKey = o.apiKey ?? `lk_${randomBytes(24).toString('base64url')}`;
  if (apiKey.length < 16) throw new Error('--api-key: at least 16 characters');
  const entry = {
    id: o.id,
    apiKey,
    origins,
    ...(o.returnUrls?.length ? { returnUrls: o.returnUrls } : {}),
    ...(o.webhookUrl ? { webhookUrl: o.webhookUrl, webhookSecret: o.webhookSecret ?? randomBytes(24).toString('base64url') } : {}),
  };
  return { list: [...list.filter((i) => i.id !== o.id), entry], apiKey, entry };
}

export function removeIntegrator(list, id) {
  return list.filter((i) => i.id !== id);
}
