/**
 * Runs in the page (page.evaluate / page.addInitScript, every frame): makes each evidence JPEG
 * byte-unique, as a real camera's sensor noise does. Chromium's fake camera loops one file, so two
 * captures (a retry, or enrol then verify on the same clip) can share a byte-identical frame, and
 * the verifier accepts a frame only once. A random JPEG comment segment (COM, after SOI) changes
 * the bytes and leaves every pixel as captured: what the PAD and the matcher see is unchanged.
 */
export function uniqueFrames(): void {
  type Jpeg = { bytes: Uint8Array; w: number; h: number };
  type Pipeline = { captureJpeg(q?: number): Promise<Jpeg> };
  type Host = Element & { pipelineFactory: (o: unknown) => Promise<Pipeline>; __uniqueFrames?: boolean };
  const stamp = (j: Jpeg): Jpeg => {
    const text = new TextEncoder().encode(`cam ${crypto.randomUUID()}`);
    const seg = new Uint8Array([0xff, 0xfe, 0, text.length + 2, ...text]);
    const b = j.bytes;
    return { ...j, bytes: new Uint8Array([...b.subarray(0, 2), ...seg, ...b.subarray(2)]) };
  };
  const wrap = (el: Host) => {
    if (el.__uniqueFrames || typeof el.pipelineFactory !== 'function') return;
    el.__uniqueFrames = true;
    const make = el.pipelineFactory;
    el.pipelineFactory = async (o: unknown) => {
      const p = await make(o);
      return new Proxy(p, {
        get(t, k) {
          if (k === 'captureJpeg') return async (q?: number) => stamp(await t.captureJpeg(q));
          const v = (t as unknown as Record<PropertyKey, unknown>)[k];
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
    };
  };
  const scan = () => document.querySelectorAll('liveness-capture').forEach((e) => wrap(e as Host));
  scan();
  new MutationObserver(scan).observe(document, { childList: true, subtree: true });
}
