/**
 * `sha256=<hex>` HMAC-SHA256 with the integrator's secret over `<timestamp>.<body>` (the exact body
 * bytes), WebCrypto (Node and Workers). Signing the timestamp lets a receiver refuse a captured
 * delivery replayed later (WEBHOOK_TOLERANCE_S).
 */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`${timestamp}.${body}`)));
  return 'sha256=' + Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}
