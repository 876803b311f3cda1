import { existsSync } from 'node:fs';

/** Debian Chromium's real binary (the /usr/bin/chromium wrapper prints shell noise). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
export const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';

/** Fails loudly (never skips) when a system dependency of the browser tests is missing. */
export function requireSystemTools(): void {
  const missing = [CHROMIUM, FFMPEG].filter((p) => !existsSync(p));
  if (missing.length) {
    throw new Error(
      `browser tests need ${missing.join(' and ')}; run \`npm test\` (it installs them with apt as root) or \`apt-get install -y chromium ffmpeg\``,
    );
  }
}
