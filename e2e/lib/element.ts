import type { Page } from 'playwright-core';
import { uniqueFrames } from './unique-frames.ts';

/**
 * Hands `<liveness-capture>` on the page a session token and the verifier URL, and starts it.
 * Evidence frames are made byte-unique first (the looping fake camera repeats frames; see
 * unique-frames.ts).
 */
export async function startElement(page: Page, token: string, verifierUrl: string): Promise<void> {
  await page.evaluate(uniqueFrames);
  await page.evaluate(
    ([t, v]) => {
      const el = document.querySelector('liveness-capture')!;
      el.verifier = v;
      el.session = t;
      void el.start();
    },
    [token, verifierUrl],
  );
}
