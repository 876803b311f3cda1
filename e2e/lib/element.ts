import type { Page } from 'playwright-core';

/** Hands `<liveness-capture>` on the page a session token and the verifier URL, and starts it. */
export async function startElement(page: Page, token: string, verifierUrl: string): Promise<void> {
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
