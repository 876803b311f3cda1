import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The custom-elements manifest (`npm run build:manifest`, @custom-elements-manifest/analyzer):
// regenerated here and compared with the committed web-component/custom-elements.json, which must
// name every attribute, event, part and custom property the element's source uses.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = readFileSync(path.join(ROOT, 'web-component/element/liveness-capture.ts'), 'utf8');
const STYLES = readFileSync(path.join(ROOT, 'web-component/element/liveness-capture.styles.ts'), 'utf8');
const out = mkdtempSync(path.join(tmpdir(), 'lk-cem-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Decl { tagName?: string; customElement?: boolean; attributes?: { name: string; fieldName?: string }[]; events?: { name: string; description?: string }[]; cssParts?: { name: string }[]; cssProperties?: { name: string }[]; slots?: { name: string }[] }
const declOf = (m: { modules: { declarations?: Decl[] }[] }) => m.modules.flatMap((x) => x.declarations ?? []).find((d) => d.customElement)!;
const committed = JSON.parse(readFileSync(path.join(ROOT, 'web-component/custom-elements.json'), 'utf8'));
const el = declOf(committed);

describe('custom-elements.json', () => {
  it('is what the analyzer generates from the current source (run `npm run build:manifest` after a change)', () => {
    // the project's config, written elsewhere and without touching package.json's customElements
    // (the CLI joins outdir to the working directory: a relative path reaches the temp dir)
    const config = path.join(out, 'cem.config.mjs');
    const base = path.join(ROOT, 'custom-elements-manifest.config.mjs');
    writeFileSync(config, `import base from ${JSON.stringify(base)};\nexport default { ...base, packagejson: false, outdir: ${JSON.stringify(path.relative(ROOT, out))} };\n`);
    const pkg = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    execFileSync(path.join(ROOT, 'node_modules/.bin/cem'), ['analyze', '--quiet', '--config', config], { cwd: ROOT, stdio: 'pipe' });
    expect(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).toBe(pkg);
    const fresh = JSON.parse(readFileSync(path.join(out, 'custom-elements.json'), 'utf8'));
    expect(fresh).toEqual(committed);
  }, 60_000);

  it('names the tag, every attribute, event, part, slot and custom property of the source', () => {
    expect(el.tagName).toBe('liveness-capture');
    const props = SOURCE.slice(SOURCE.indexOf('static override properties = {'), SOURCE.indexOf('};', SOURCE.indexOf('static override properties = {')));
    const attrs = [...props.matchAll(/^\s+(\w+): \{([^}]*)\}/gm)].filter((m) => !/attribute: false/.test(m[2])).map((m) => /attribute: '([^']+)'/.exec(m[2])?.[1] ?? m[1].toLowerCase());
    const events = [...SOURCE.matchAll(/this\.emit\('([a-z-]+)'/g)].map((m) => m[1]);
    const parts = [...new Set([...SOURCE.matchAll(/part="([^"]+)"/g)].flatMap((m) => m[1].split(/\s+/)))];
    // custom properties the styles read, less those the element sets itself (inline, e.g. --lc-ar)
    const internal = new Set([...SOURCE.matchAll(/(--lc-[a-z-]+):/g)].map((m) => m[1]));
    const cssProps = [...new Set([...STYLES.matchAll(/var\((--lc-[a-z-]+)/g)].map((m) => m[1]))].filter((c) => !internal.has(c));
    const slots = [...SOURCE.matchAll(/<slot name="([^"]+)"/g)].map((m) => m[1]);
    expect(attrs.length).toBeGreaterThanOrEqual(8);
    expect(events).toHaveLength(4);
    expect(parts.length).toBeGreaterThanOrEqual(12);
    expect(el.attributes!.map((a) => a.name).sort()).toEqual([...attrs].sort());
    expect(el.events!.map((e) => e.name).sort()).toEqual([...events].sort());
    expect(el.events!.every((e) => (e.description ?? '').length > 10)).toBe(true);
    expect(el.cssParts!.map((p) => p.name).sort()).toEqual([...parts].sort());
    for (const c of cssProps) expect(el.cssProperties!.map((p) => p.name)).toContain(c);
    expect(el.slots!.map((s) => s.name).sort()).toEqual([...slots].sort());
  });
});
