import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { configFromEnv } from '../config.ts';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'k8s');
const MODELS: Record<string, new (x: never) => { validate(): void }> = { 'apps/v1/StatefulSet': StatefulSet as never, 'v1/Service': Service as never };

function docs(): { file: string; doc: Record<string, any> }[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((d) => ({ file, doc: d.toJSON() as Record<string, any> })));
}

describe('deploy/k8s manifests', () => {
  it('every object validates against the Kubernetes API schema (kubernetes-models)', () => {
    const all = docs();
    expect(all.length).toBeGreaterThanOrEqual(7);
    for (const { file, doc } of all) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind} has no validator here`).toBeDefined();
      expect(() => new Model(doc as never).validate(), `${file}: ${doc.kind} ${doc.metadata?.name}`).not.toThrow();
    }
  });

  it('a broken object is refused (the check can fail)', () => {
    const sts = docs().find((d) => d.doc.kind === 'StatefulSet' && d.doc.metadata.name === 'matcher')!.doc;
    const bad = structuredClone(sts);
    bad.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new StatefulSet(bad as never).validate()).toThrow(/containerPort/);
  });

  it('the matcher StatefulSet: readiness on /ready, liveness on /live, and a cluster configuration the matcher accepts', () => {
    const sts = docs().find((d) => d.doc.kind === 'StatefulSet' && d.doc.metadata.name === 'matcher')!.doc;
    const c = sts.spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 8788 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/live', port: 8788 });
    // the env as the pod would see it (secrets and the pod name filled in)
    const env: Record<string, string> = {};
    for (const e of c.env as { name: string; value?: string }[]) env[e.name] = e.value ?? '';
    const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('$(POD_NAME)', 'matcher-0')]));
    Object.assign(filled, { POD_NAME: 'matcher-0', MATCHER_STORE: 'postgres://postgres@postgres:5432/postgres', MATCHER_API_TOKENS: 'a-token-of-sixteen-chars' });
    const cfg = configFromEnv(filled);
    expect(cfg.cluster).toMatchObject({ nodeId: 'matcher-0', url: 'http://matcher-0.matcher-peers:8788', etcd: ['http://etcd:2379'], replicationFactor: 2 });
    expect(cfg.host).toBe('0.0.0.0');
    const peers = docs().find((d) => d.doc.kind === 'Service' && d.doc.metadata.name === sts.spec.serviceName)!.doc;
    expect(peers.spec.clusterIP).toBe('None');
  });
});
