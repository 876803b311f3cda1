import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningVerifier } from '../edge-verifier/node.ts';
import { makeCapture } from '../edge-verifier/testing/make-capture.ts';
import { createSession, postCapture, type Target } from '../edge-verifier/testing/negative-corpus.ts';
import type { RunningMatcher } from '../matcher/server.ts';
import { call } from '../matcher/testing/client.ts';
import { liveWindow } from './lib/evidence.ts';
import { fixture, ROOT } from './lib/fixtures.ts';
import { startRealServices, type RealServices } from './lib/real-services.ts';

// Issue 19's metrics: the real verifier (Node, GET /metrics) in front of the real matcher
// (GET /prometheus), a workload of a registration capture with its webhook, refused requests and a
// 1:N search; then each endpoint must pass `promtool check metrics` (Debian's prometheus package,
// installed like Chromium by scripts/system-deps.mjs), carry the outcome counters, hold no id, key
// or subject, and every query of the Grafana dashboard must name a metric one of them exposes.

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const ISS = 'https://verifier.metrics.test';
const SUBJECT = `metrics-subject-${Date.now().toString(36)}`;
const METRICS_TOKEN = 'metrics-token-0123456789';

let services: RealServices;
let matcher: RunningMatcher;
let verifier: RunningVerifier;
let acme: Target;
let hooks: Server;
let verifierText = '';
let matcherText = '';

/** Runs promtool on one exposition; answers its exit status and what it printed. */
function promtool(text: string): { status: number | null; out: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

/** Every metric name an exposition declares (histograms with their _bucket/_sum/_count series). */
function namesOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]);
    if (m[2] === 'histogram' || m[2] === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
  }
  return names;
}

beforeAll(async () => {
  execFileSync(PROMTOOL, ['--version'], { stdio: 'ignore' }); // missing: fail loudly, never skip
  hooks = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
  const webhookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  services = await startRealServices({ prefix: 'lk-metrics-services-', issuer: ISS, webhookUrl, config: () => ({ metricsToken: METRICS_TOKEN }) });
  ({ matcher, verifier, acme } = services);

  // the workload: one registration through the real PAD and match, its webhook delivered
  const e = await liveWindow(fixture('video/live/d18.mp4'), 120);
  const s = await createSession(acme, 'REGISTRATION', SUBJECT);
  const made = await makeCapture({ sessionToken: s.sessionToken, frames: e.frames, roles: e.roles, t: e.t });
  const res = await postCapture(acme, made.body);
  expect(res.status).toBe(200);
  await verifier.drain();
  // refused requests: unknown routes with ids in the path, a wrong key, a malformed body
  for (let i = 0; i < 5; i++) expect((await fetch(`${verifier.url}/nothing/${SUBJECT}-${i}`)).status).toBe(404);
  expect((await fetch(`${verifier.url}/v1/sessions`, { method: 'POST', headers: { authorization: 'Bearer not-a-key-000000' } })).status).toBe(401);
  expect((await fetch(`${verifier.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${acme.apiKey}`, 'content-type': 'application/json' }, body: '{"operation":' })).status).toBe(400);
  await call(matcher, 'GET', `/persons/${SUBJECT}`);
  expect((await call(matcher, 'POST', '/identify', { template: new Uint8Array(8) })).status).toBe(400);

  const m = await fetch(`${verifier.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(m.status).toBe(200);
  verifierText = await m.text();
  matcherText = (await call(matcher, 'GET', '/prometheus')).body as string;
}, 300_000);

afterAll(async () => {
  await services?.close();
  hooks?.close();
});

describe('Prometheus metrics of both services', () => {
  it('the verifier asks for its metrics token when one is configured', async () => {
    expect((await fetch(`${verifier.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${verifier.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-wrong-00000' } })).status).toBe(401);
  });

  it('both expositions pass promtool check metrics', () => {
    for (const [name, text] of [['verifier /metrics', verifierText], ['matcher /prometheus', matcherText]] as const) {
      const r = promtool(text);
      console.log(`${name}: ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} samples, promtool exit ${r.status}${r.out ? `: ${r.out}` : ''}`);
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('promtool does fail on a broken exposition (the check can fail)', () => {
    const r = promtool('# HELP x_rejected_total refused\n# TYPE x_rejected_total gauge\nx_rejected_total 1\n');
    expect(r.status).not.toBe(0);
  });

  it('counts the workload by route pattern, status and outcome', () => {
    expect(verifierText).toMatch(/^verifier_http_requests_total\{method="POST",route="\/v1\/sessions",status="201"\} 1$/m);
    expect(verifierText).toMatch(/^verifier_http_requests_total\{method="GET",route="unmatched",status="404"\} 5$/m);
    expect(verifierText).toMatch(/^verifier_captures_total\{operation="REGISTRATION",status="3"\} 1$/m);
    expect(verifierText).toMatch(/^verifier_liveness_total\{kind="capture",result="live"\} 1$/m);
    expect(verifierText).toMatch(/^verifier_webhook_deliveries_total\{outcome="delivered"\} 1$/m);
    expect(verifierText).toMatch(/^verifier_process_resident_memory_bytes \d+/m);
    expect(matcherText).toMatch(/^matcher_liveness_total\{kind="video",result="live"\} 1$/m);
    expect(matcherText).toMatch(/^matcher_http_requests_total\{method="GET",route="\/persons\/:id",status="404"\} [1-9]\d*$/m);
    expect(matcherText).toMatch(/^matcher_cached_persons 1$/m);
    expect(matcherText).toMatch(/^matcher_cluster_coverage_ratio 1$/m);
  });

  it('no label holds a subject, id, key or token', () => {
    for (const text of [verifierText, matcherText]) {
      expect(text).not.toContain(SUBJECT);
      expect(text).not.toContain(acme.apiKey);
      expect(text).not.toContain(METRICS_TOKEN);
      expect(text).not.toContain(matcher.token);
      expect(text).not.toContain('not-a-key');
    }
  });

  it('every query of the Grafana dashboard names a metric the services expose', () => {
    const dash = JSON.parse(readFileSync(path.join(ROOT, 'deploy', 'grafana', 'liveness-kit.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const known = new Set([...namesOf(verifierText), ...namesOf(matcherText)]);
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(12);
    const missing: string[] = [];
    for (const { panel, expr } of exprs) {
      const names = [...expr.matchAll(/\b((?:verifier|matcher)_[a-z0-9_]+)/g)].map((m) => m[1]);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const n of names) if (!known.has(n)) missing.push(`${panel}: ${n}`);
    }
    console.log(`dashboard: ${dash.panels.length} panels, ${exprs.length} queries, unknown metrics: ${missing.length}`);
    expect(missing).toEqual([]);
  });
});
