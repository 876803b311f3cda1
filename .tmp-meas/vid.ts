import path from 'node:path';
import { createVideoRunner } from '../pad/eval/videos.ts';
const dir = process.argv[2];
const files = process.argv.slice(3);
const runner = await createVideoRunner({ log: (s) => console.log(s) });
for (const f of files) {
  const o = await runner.run(path.join(dir, f), 'dbg-' + Date.now().toString(36), f.includes('attack') ? 'plane' : 'person');
  console.log(`RESULT ${f}: device ${o.deviceAccept} forced ${o.forced} liveness ${o.liveness} reasons ${o.reasons.join(',')} codes ${o.deviceCodes.join(',')} ${o.error ?? ''} ${(o.ms/1000).toFixed(1)}s`);
}
await runner.close();
