/** `liveness-verifier`: the verifier on Node, configured by the environment (edge-verifier/README.md). */
import { main } from './node.ts';

main();
