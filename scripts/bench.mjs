import { runParts } from './run-parts.mjs';
process.exit(runParts('bench', process.argv.slice(2)));
