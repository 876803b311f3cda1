import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';

// Models and wasm ship in npm packages and are served from models/dist: no source file may
// name a model, wasm or weights file on a remote host, nor a model hub / CDN.
describe('no remote model or wasm URLs in source', () => {
  it('git grep finds none', () => {
    const pattern =
      String.raw`https?://[^"'\s)]+\.(wasm|tflite|onnx|bin|task|pb|binarypb)\b|https?://[^"'\s)]*(tfhub\.dev|huggingface\.co|jsdelivr\.net|unpkg\.com|storage\.googleapis\.com|kaggle\.com|github\.com/[^"'\s]*/releases/download)`;
    let out = '';
    try {
      out = execFileSync('git', ['grep', '-nIiE', pattern, '--', '.', ':!*.md', ':!package-lock.json', ':!scripts/no-remote-models.test.ts'], {
        encoding: 'utf8',
      });
    } catch (e) {
      const err = e as { status?: number; stdout?: string };
      if (err.status !== 1) throw e; // 1 = no match
      out = err.stdout ?? '';
    }
    expect(out).toBe('');
  });
});
