import { runParts } from './run-parts.mjs';
process.exit(runParts('eval', process.argv.slice(2)));
