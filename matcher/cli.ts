/** `liveness-matcher`: the matcher, configured by the environment (matcher/README.md). */
import { main } from './server.ts';

main();
