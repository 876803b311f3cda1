// `npm run integrator -- add --id shop --origin http://localhost:3000 [--origin …] [--return-url URL]
//                        [--webhook-url URL] [--api-key KEY]`
// `npm run integrator -- list` · `npm run integrator -- remove --id shop`
// Registers an integrator (your page's origins, return URLs, webhook) for the local stack: it is
// written to <DEMO_DATA_DIR>/integrators.json and seeded into the verifier by the next `npm start`
// (restart it if it is running). The API key is printed once, here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addIntegrator, readLocalIntegrators, removeIntegrator, writeLocalIntegrators } from './local-integrators.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(path.resolve(root, process.env.DEMO_DATA_DIR ?? '.data'), 'integrators.json');
const [cmd, ...rest] = process.argv.slice(2);
const opts = { origins: [], returnUrls: [] };
for (let i = 0; i < rest.length; i += 2) {
  const [k, v] = [rest[i], rest[i + 1]];
  if (v === undefined) fail(`${k}: missing value`);
  if (k === '--id') opts.id = v;
  else if (k === '--origin') opts.origins.push(v);
  else if (k === '--return-url') opts.returnUrls.push(v);
  else if (k === '--webhook-url') opts.webhookUrl = v;
  else if (k === '--api-key') opts.apiKey = v;
  else fail(`unknown option ${k}`);
}

function fail(msg) {
  console.error(`integrator: ${msg}`);
  process.exit(2);
}

try {
  const list = readLocalIntegrators(file);
  if (cmd === 'add') {
    const r = addIntegrator(list, opts);
    writeLocalIntegrators(file, r.list);
    console.log(`integrator ${r.entry.id} registered in ${path.relative(root, file)} (origins ${r.entry.origins.join(', ')})`);
    console.log(`API key (shown once): ${r.apiKey}`);
    if (r.entry.webhookSecret) console.log(`webhook secret: ${r.entry.webhookSecret}`);
    console.log('(re)start `npm start` for the verifier to know it');
  } else if (cmd === 'list') {
    for (const i of list) console.log(`${i.id}: origins ${i.origins.join(', ')}${i.returnUrls ? `; return URLs ${i.returnUrls.join(', ')}` : ''}${i.webhookUrl ? `; webhook ${i.webhookUrl}` : ''}`);
    if (!list.length) console.log(`no integrators in ${path.relative(root, file)} (the demo's own are built in)`);
  } else if (cmd === 'remove') {
    if (!opts.id) fail('remove needs --id');
    writeLocalIntegrators(file, removeIntegrator(list, opts.id));
    console.log(`integrator ${opts.id} removed from the seed; the verifier keeps a stored copy until .data/verifier is deleted or the admin API changes it`);
  } else {
    fail('usage: add --id ID --origin URL [--origin URL …] [--return-url URL] [--webhook-url URL] [--api-key KEY] | list | remove --id ID');
  }
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
