import { WEBHOOK_TOLERANCE_S } from '../../protocol/index.ts';

/** `sha256=<hex>` HMAC-SHA256 of `<timestamp>.<body>` with the shared secret (the verifier's scheme). */
export async function webhookSignature(secret: string, timestamp: number, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`${timestamp}.${body}`)));
  return 'sha256=' + Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether `header` signs this `body` at `timestampHeader`, and that time is within
 * WEBHOOK_TOLERANCE_S of `now` (unix seconds): a captured delivery replayed later is refused.
 * Compared in constant time.
 */
export async function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined,
  timestampHeader: string | undefined,
  now = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  if (!header || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader)) return false;
  const ts = Number(timestampHeader);
  if (Math.abs(now - ts) > WEBHOOK_TOLERANCE_S) return false;
  const expected = await webhookSignature(secret, ts, body);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ header.charCodeAt(i);
  return diff === 0;
}
