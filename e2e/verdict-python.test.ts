import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningVerifier } from '../edge-verifier/node.ts';
import { makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createSession, postCapture } from '../edge-verifier/testing/negative-corpus.ts';
import { liveWindow } from './lib/evidence.ts';
import { fixture, ROOT } from './lib/fixtures.ts';
import { startRealServices, type RealServices } from './lib/real-services.ts';

// Issue 19: the verdict check on an integrator's backend in a language other than JavaScript.
// The Python script of docs/integration.md, extracted from the doc as written, run by Debian's
// python3 with PyJWT (python3-jwt, installed by scripts/system-deps.mjs) against a verdict from the
// real verifier and matcher; it must accept that verdict and refuse a tampered one, another
// integrator's audience, another session, and a token of another type signed by the same keys.

const PYTHON = '/usr/bin/python3';
let dir: string;
let script: string;
let services: RealServices;
let verifier: RunningVerifier;
let verdict = '';
let sessionId = '';
let sessionToken = '';

/** Runs the script (asynchronously: the verifier answering its JWKS fetch lives in this process). */
function check(token: string, audience = 'acme', sid = sessionId): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, [script, verifier.config.issuer, audience, sid], { timeout: 30_000 });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (status) => resolve({ status, out: out.trim().split('\n').at(-1) ?? '' }));
    p.stdin.end(token);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lk-pyjwt-'));
  const doc = readFileSync(path.join(ROOT, 'docs', 'integration.md'), 'utf8');
  const block = /```python\n(# check_verdict\.py[\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/integration.md has no check_verdict.py block');
  script = path.join(dir, 'check_verdict.py');
  writeFileSync(script, block[1]);
  // the issuer is the verifier's own URL, as in a deployment: the script fetches the JWKS from it
  services = await startRealServices({ prefix: 'lk-pyjwt-services-' });
  verifier = services.verifier;
  const acme = services.acme;
  const e = await liveWindow(fixture('video/live/d18.mp4'), 120);
  const s = await createSession(acme, 'REGISTRATION', `py-${Date.now().toString(36)}`);
  sessionId = s.sessionId;
  sessionToken = s.sessionToken;
  const made = await makeCapture({ sessionToken: s.sessionToken, frames: e.frames, roles: e.roles, t: e.t });
  const body = (await (await postCapture(acme, made.body)).json()) as { verdict?: string; status?: number };
  verdict = body.verdict ?? '';
  expect(verdict).not.toBe('');
}, 300_000);

afterAll(async () => {
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Python verdict check of docs/integration.md (PyJWT)', () => {
  it('accepts the verdict and prints its status, response and liveness', async () => {
    const r = await check(verdict);
    console.log(`python: exit ${r.status}, "${r.out}"`);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^[235] (200|201|None) \d+$/);
  });

  it('refuses a tampered verdict, another audience, another session and a session token', async () => {
    const [h, p, sig] = verdict.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, liveness: 100, status: 3 })).toString('base64url')}.${sig}`;
    const cases = {
      tampered: await check(forged),
      'other audience': await check(verdict, 'strict'),
      'other session': await check(verdict, 'acme', 'sess-other'),
      'session token': await check(sessionToken),
    };
    for (const [name, r] of Object.entries(cases)) {
      console.log(`python, ${name}: exit ${r.status}, "${r.out}"`);
      expect(r.status, name).not.toBe(0);
    }
    expect(cases['session token'].out).toBe('not a verdict');
    expect(cases['other session'].out).toBe('verdict of another session');
  });
});
