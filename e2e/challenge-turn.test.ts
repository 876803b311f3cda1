import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStrict } from '../protocol/cbor.ts';
import { startMatcher, type RunningMatcher } from '../matcher/server.ts';
import { createNodeLandmarker, type NodeLandmarker } from '../pad/landmarks.ts';
import { cameraClip } from '../pad/eval/videos.ts';
import { launchChromium } from './lib/browser.ts';
import { fixture, workDir } from './lib/fixtures.ts';
import { FFMPEG } from './lib/system.ts';
import { runCapture, startStack, type CaptureRun, type Stack } from './element-harness.ts';

// The server-chosen head turn (a session with `challengeTurn`): after the approach the element asks
// the person to turn to the side the session names, takes the first frame turned that way as the
// `turn` evidence, and the matcher measures the turn on its own detections. A recorded clip cannot
// follow a random instruction, so the camera is a real person's clip (more/'s fom_10, which turns
// its head to its right and back; the approach is played in depth as `npm run eval` does), mirrored
// when the session asks for the other side. Played un-mirrored against the wrong side, the clip
// never turns the asked way: the element says so and uploads nothing.

const CLIP = 'more/video/live2/fom_10_dicaprio.mp4';

let dir: string;
let matcher: RunningMatcher;
let stack: Stack;
let lm: NodeLandmarker;
const browsers: Browser[] = [];

/** The clip's own turn is to the person's right; `side` 'left' mirrors it. Cached per side. */
async function cameraTurning(side: 'left' | 'right'): Promise<string> {
  const out = path.join(workDir(), `turn-${side}.y4m`);
  if (existsSync(out)) return out;
  let src = fixture(CLIP);
  if (side === 'left') {
    src = path.join(workDir(), 'turn-mirrored.mp4');
    execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', fixture(CLIP), '-vf', 'hflip', '-c:v', 'libx264', '-crf', '12', '-an', src]);
  }
  return cameraClip(src, out, 'person', lm);
}

/**
 * One REGISTRATION session whose camera turns the way `cameraSide(asked side)` says; ends at the
 * verdict, an error or the first retry. `uploads`: the evidence roles of each capture upload.
 */
async function capture(cameraSide: (asked: 'left' | 'right') => 'left' | 'right'): Promise<CaptureRun & { asked: 'left' | 'right'; uploads: string[][] }> {
  const token = await stack.createSession({ operation: 'REGISTRATION', subject: `turn-${Date.now()}` });
  const asked = (decodeJwt(token) as { challenge: { turn?: 'left' | 'right' } }).challenge.turn;
  expect(asked).toMatch(/^(left|right)$/);
  const b = await launchChromium({ camera: await cameraTurning(cameraSide(asked!)) });
  browsers.push(b);
  const page = await b.newPage();
  const uploads: string[][] = [];
  page.on('request', (r) => {
    const body = r.method() === 'POST' && r.url().startsWith(stack.verifier.url) && r.headers()['content-type']?.includes('cbor') ? r.postDataBuffer() : null;
    if (!body) return;
    const upload = decodeStrict(new Uint8Array(body), { maxBytes: 1e8 } as never) as { token: string };
    uploads.push(((decodeJwt(upload.token).evidence ?? []) as { role: string }[]).map((e) => e.role));
  });
  const r = await runCapture(page, stack, { operation: 'REGISTRATION', subject: '', token, timeoutMs: 150_000 });
  console.log(`turn ${asked} (camera turns ${cameraSide(asked!)}): end=${r.end}${r.code ? ` (${r.code})` : ''} codes=${r.codes.join(' → ')} uploads=${JSON.stringify(uploads)} summary=${JSON.stringify(r.session.summary)}`);
  await b.close();
  return { ...r, asked: asked!, uploads };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-turn-'));
  lm = await createNodeLandmarker();
  matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'matcher.db')}`, waitReady: true });
  stack = await startStack({ matcherUrl: matcher.url, matcherToken: matcher.token, matcherTimeoutMs: 60_000, challengeTurn: true });
});
afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  await stack?.close();
  await matcher?.close();
  lm?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('challenge: the server-chosen head turn, guided by the element and measured by the matcher', () => {
  it('a person who turns the asked way: the element asks for that side, uploads a turn frame, and the server finds the turn', async () => {
    const r = await capture((s) => s);
    expect(r.codes).toContain(r.asked === 'left' ? 'TURN_LEFT' : 'TURN_RIGHT');
    expect(r.uploads.length).toBeGreaterThan(0);
    expect(r.uploads[0].slice(0, 3)).toEqual(['far', 'near', 'turn']);
    expect(['complete', 'retry']).toContain(r.end);
    const reasons = ((r.session.summary as { reasons?: string[] } | null)?.reasons ?? []) as string[];
    expect(reasons).not.toContain('CHALLENGE_NOT_MET');
    expect(reasons).not.toContain('CHALLENGE_TURN');
  }, 240_000);

  it('a clip that only turns the other way: TURN_NOT_COMPLETED on the device, nothing uploaded', async () => {
    const r = await capture((s) => (s === 'left' ? 'right' : 'left'));
    expect(r.codes).toContain(r.asked === 'left' ? 'TURN_LEFT' : 'TURN_RIGHT');
    expect(r.end).toBe('error');
    expect(r.code).toBe('TURN_NOT_COMPLETED');
    expect(r.uploads).toEqual([]);
  }, 240_000);
});
