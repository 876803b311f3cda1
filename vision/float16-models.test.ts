/**
 * The browser loads float16 copies of both BlazeFace models (models/manifest.json `derived`,
 * vision/load-url.ts BROWSER_MODEL_FILES). On fixture frames of real people they must answer as
 * the float32 originals do: the same faces and boxes (BlazeFace's float32 weights all happen to be
 * exact in float16: its copies answer identically). The int8 copies: int8-models.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClip, FIXTURES } from '../pad/fixtures.ts';
import { createBlazeFace } from './blazeface.ts';
import { releaseImageTensor } from './image.ts';
import { MODELS_DIST, nodeModelSource, NODE_WASM_PATHS } from './load-node.ts';
import { BROWSER_MODEL_FILES } from './load-url.ts';
import { initTf } from './tf.ts';
import type { FaceDetector, ImageInput } from './types.ts';

const CLIPS = ['video/live/d0.mp4', 'video/live/d12.mp4', 'more/video/live2/dpe_s_news_man.mp4', 'video/live/d19.mp4'];
let frames: ImageInput[] = [];
let f32: { det: FaceDetector; front: FaceDetector };
let f16: { det: FaceDetector; front: FaceDetector };

beforeAll(async () => {
  await initTf({ wasmPaths: NODE_WASM_PATHS });
  const model = nodeModelSource();
  const half = async (name: string) => model(BROWSER_MODEL_FILES[name] ?? name);
  expect(BROWSER_MODEL_FILES).toMatchObject({ blazeface: 'blazeface-f16', 'blazeface-front': 'blazeface-front-f16' });
  // the copies really are float16 (every float32 weight quantized), and half the originals' bytes
  for (const f of ['blazeface-f16', 'blazeface-front-f16']) {
    const json = JSON.parse(readFileSync(path.join(MODELS_DIST, 'models', `${f}.json`), 'utf8')) as { weightsManifest: { weights: { dtype: string; quantization?: { dtype: string } }[] }[] };
    const ws = json.weightsManifest.flatMap((g) => g.weights).filter((w) => w.dtype === 'float32');
    expect(ws.length).toBeGreaterThan(50);
    expect(ws.every((w) => w.quantization?.dtype === 'float16')).toBe(true);
  }
  f32 = { det: await createBlazeFace({ model, minScore: 0.5 }), front: await createBlazeFace({ model, minScore: 0.5, size: 128 }) };
  f16 = { det: await createBlazeFace({ model: half, minScore: 0.5 }), front: await createBlazeFace({ model: half, minScore: 0.5, size: 128 }) };
  for (const c of CLIPS) frames.push(...(await decodeClip(path.join(FIXTURES, c), { from: 30, max: 1 })));
}, 120_000);

afterAll(() => {
  for (const d of [f32?.det, f32?.front, f16?.det, f16?.front]) d?.dispose();
  frames = [];
});

describe('float16 browser models', () => {
  it('BlazeFace (256 and 128) finds the same faces, boxes within 1 % of the face width, scores within 0.01', async () => {
    let worst = 0;
    for (const [img, which] of frames.flatMap((f) => [[f, 'det'], [f, 'front']] as const)) {
      const a = await f32[which].detect(img);
      const b = await f16[which].detect(img);
      releaseImageTensor();
      expect(b.length).toBe(a.length);
      expect(a.length).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++) {
        const d = Math.max(Math.abs(a[i].box.x - b[i].box.x), Math.abs(a[i].box.y - b[i].box.y), Math.abs(a[i].box.w - b[i].box.w), Math.abs(a[i].box.h - b[i].box.h));
        worst = Math.max(worst, d / a[i].box.w);
        expect(Math.abs(a[i].score - b[i].score)).toBeLessThan(0.01);
      }
    }
    console.log(`blazeface float16 vs float32: largest box difference ${(100 * worst).toExponential(2)} % of the face width over ${frames.length} frames, both models`);
    expect(worst).toBeLessThan(0.01);
  }, 60_000);

});
