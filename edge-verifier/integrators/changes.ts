import type { IntegratorInput } from '../config.ts';
import type { ConfigChange } from '../store/types.ts';

/** Fields whose values never leave the store in clear: views and the change log show a fingerprint. */
export const SECRET_FIELDS = ['apiKey', 'webhookSecret'] as const;

const isSecret = (k: string) => (SECRET_FIELDS as readonly string[]).includes(k);

/** `sha256:` + the first 12 hex digits of the value's SHA-256: tells changes apart, reveals nothing usable. */
export async function fingerprint(value: string): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
  return 'sha256:' + [...h.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : val,
  );
}

async function shown(k: string, val: unknown): Promise<string | null> {
  if (val === undefined) return null;
  return isSecret(k) && typeof val === 'string' ? JSON.stringify(await fingerprint(val)) : canonical(val);
}

/** One change row per top-level field whose value differs (old null = added, new null = removed). */
export async function diffIntegrator(old: IntegratorInput | null, next: IntegratorInput): Promise<ConfigChange[]> {
  const a = (old ?? {}) as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: ConfigChange[] = [];
  for (const k of keys) {
    if (canonical(a[k]) === canonical(b[k])) continue;
    out.push({ field: k, old: await shown(k, a[k]), new: await shown(k, b[k]) });
  }
  return out;
}

/** An integrator as the admin API shows it: secrets as fingerprints. */
export async function integratorView(i: IntegratorInput): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...i };
  for (const k of SECRET_FIELDS) if (typeof out[k] === 'string') out[k] = await fingerprint(out[k] as string);
  return out;
}
