// `npm test`, `npm run bench` and `npm run eval` each work on a fresh clone: every one installs the
// system packages (Chromium, ffmpeg, …) before it runs a part that needs them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const here = path.dirname(new URL(import.meta.url).pathname);

describe('entry scripts install the system packages first', () => {
  for (const [file, first] of [['test.mjs', "step('"], ['bench.mjs', 'runParts('], ['eval.mjs', 'runParts(']] as const) {
    it(file, () => {
      const src = readFileSync(path.join(here, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      expect(src).toMatch(/import \{ ensureSystemDeps \} from '\.\/system-deps\.mjs'/);
      const call = src.indexOf('ensureSystemDeps()');
      expect(call).toBeGreaterThan(0);
      expect(call).toBeLessThan(src.indexOf(first, src.indexOf('\n', src.lastIndexOf('import '))));
    });
  }
});
