import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../matcher/config.ts';
import { createVideoRunner, type VideoRunner } from '../pad/eval/videos.ts';
import { FIXTURES } from './lib/fixtures.ts';

// Every bona fide clip of the fixtures, as Chromium's fake camera (short clips played forward and
// back, then the "move closer" zoom), through <liveness-capture>, the real verifier and the real
// matcher, in a registration (enrolment) session: the on-device checks must reach capture by themselves (no
// forcing) and the session must end with a verdict whose server liveness is at or above the
// threshold. When the server asks for another capture (FACE_NOT_LIVE on a first attempt) the
// element does it, as it would for a user: the verdict may come from a retry, and the test logs
// how many captures it took. First-capture error rates are what `npm run eval` reports (same runner).
// The runner's integrator allows 5 captures, so manager mode (accept without biometry after 5
// failures) never applies; a clip that needs more than one capture is logged with its count.

const THRESHOLD = resolveConfig().livenessThreshold;
const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { items: { path: string; kind: string; label: string }[] };
const LIVE = manifest.items.filter((i) => i.kind === 'video' && i.label === 'bona_fide').map((i) => i.path);

let runner: VideoRunner;

beforeAll(async () => {
  // generous: this runs beside other work on 2 cores; speed is measured by `npm run bench`
  runner = await createVideoRunner({ deviceMs: 90_000, verdictMs: 180_000, operation: 'REGISTRATION', untilComplete: true, log: (s) => console.log(s) });
}, 180_000);

afterAll(async () => {
  await runner?.close();
});

describe('every live fixture clip is accepted', () => {
  it('finds the live clips', () => {
    expect(LIVE.length).toBeGreaterThanOrEqual(9);
  });

  it.each(LIVE)('%s: device reaches capture, server liveness ≥ threshold', async (clip) => {
    const o = await runner.run(path.join(FIXTURES, clip), `live-${path.basename(clip, '.mp4')}-${Date.now().toString(36)}`);
    console.log(`${clip}: device ${o.deviceAccept ? 'accept' : `blocked (${o.deviceCodes.join(', ')})`}, verdict liveness ${o.liveness} after ${o.attempts} capture(s), reasons ${o.reasons.join(',') || '-'}, ${(o.ms / 1000).toFixed(1)} s`);
    expect(o.error).toBeUndefined();
    expect(o.forced).toBe(false);
    expect(o.deviceAccept).toBe(true);
    expect(o.attempts).toBeLessThanOrEqual(5);
    expect(o.reasons).not.toContain('FACE_NOT_LIVE');
    expect(o.liveness).toBeGreaterThanOrEqual(THRESHOLD);
  }, 300_000);
});
