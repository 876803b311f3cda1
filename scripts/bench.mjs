// `npm run bench`: every part's timings. Like `npm test`, it first installs the system packages the
// browser parts need (Chromium, ffmpeg, …) when they are missing, so it runs on a fresh clone.
import { ensureSystemDeps } from './system-deps.mjs';
import { runParts } from './run-parts.mjs';
ensureSystemDeps();
process.exit(runParts('bench', process.argv.slice(2)));
