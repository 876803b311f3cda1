/**
 * The browser loads int8 copies of FaceMesh, Iris and CenterNet with one scale per channel
 * (models/manifest.json `derived`, models/scripts/int8.mjs, decoded by int8-weights.ts). On
 * fixture frames they must answer as the originals do: landmarks within a pixel, the same phone
 * verdicts on clean frames and on frames with a tablet composited in.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as T from '../web-component/testing/images.ts';
import { DEFAULT_CONFIG } from '../web-component/config.ts';
import { phoneCheck } from '../web-component/checks/phone.ts';
import { createCenterNet } from './centernet.ts';
import { createFaceMesh } from './facemesh.ts';
import { createIris, type IrisDetector } from './iris.ts';
import { releaseImageTensor } from './image.ts';
import { decodeInt8Channel } from './int8-weights.ts';
import { nodeModelSource } from './load-node.ts';
import { BROWSER_MODEL_FILES } from './load-url.ts';
import type { FaceLandmarker, ObjectDetector } from './types.ts';
// @ts-expect-error: a plain .mjs module of the models step, without types
import { MIN_ELEMENTS, toInt8Channel } from '../models/scripts/int8.mjs';

const CLIPS = ['d0', 'd3', 'd10', 'd14', 'd19'];
const q8 = nodeModelSource();
const copy = async (name: string) => q8(BROWSER_MODEL_FILES[name] ?? name);
let orig: { mesh: FaceLandmarker; iris: IrisDetector; phone: ObjectDetector };
let int8: { mesh: FaceLandmarker; iris: IrisDetector; phone: ObjectDetector };

beforeAll(async () => {
  await T.nodeDetectors(); // initialises tfjs wasm
  expect(BROWSER_MODEL_FILES).toMatchObject({ facemesh: 'facemesh-q8', iris: 'iris-q8', centernet: 'centernet-q8' });
  orig = { mesh: await createFaceMesh({ model: q8 }), iris: await createIris({ model: q8 }), phone: await createCenterNet({ model: q8, minScore: 0.1 }) };
  int8 = { mesh: await createFaceMesh({ model: copy }), iris: await createIris({ model: copy }), phone: await createCenterNet({ model: copy, minScore: 0.1 }) };
}, 120_000);

afterAll(() => {
  for (const d of [orig?.mesh, orig?.iris, orig?.phone, int8?.mesh, int8?.iris, int8?.phone]) d?.dispose();
});

describe('int8 browser models (a scale per channel)', () => {
  it('encodes and decodes: every large kernel within half its channel step; the rest as float16', () => {
    const small = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]); // under MIN_ELEMENTS: float16
    const w = new Float32Array(MIN_ELEMENTS * 4); // [1, 1, MIN_ELEMENTS, 4]: 4 output channels
    w.set([0.5, -1, 0.25, 2, -0.001, 0.004, 0, 0]);
    const bias = new Float32Array([1.5, -2.5]);
    const model = { weightsManifest: [{ paths: ['x.bin'], weights: [{ name: 'small', shape: [1, 1, 2, 4], dtype: 'float32' }, { name: 'k', shape: [1, 1, MIN_ELEMENTS, 4], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }] };
    const { json, bin, converted } = toInt8Channel(model, [Buffer.from(small.buffer), Buffer.from(w.buffer), Buffer.from(bias.buffer)], 'x-q8.bin') as { json: typeof model; bin: Buffer; converted: number };
    expect(converted).toBe(1);
    expect(bin.length).toBe(16 + 4 * 4 + MIN_ELEMENTS * 4 + 4); // float16, 4 scales + int8 values, float16
    const specs = json.weightsManifest[0].weights as { quantization?: { dtype: string } }[];
    expect(specs.map((x) => x.quantization?.dtype)).toEqual(['float16', 'int8-channel', 'float16']);
    const out = decodeInt8Channel(specs as never, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length) as ArrayBuffer);
    expect(out.specs.map((x) => x.quantization?.dtype)).toEqual(['float16', undefined, 'float16']);
    expect(new Uint8Array(out.data, 0, 16)).toEqual(new Uint8Array(bin.buffer, bin.byteOffset, 16)); // float16 bytes as they were
    const k = new Float32Array(out.data, 16, MIN_ELEMENTS * 4);
    const maxPerChannel = [0.5, 1, 0.25, 2];
    for (let i = 0; i < 8; i++) expect(Math.abs(k[i] - w[i])).toBeLessThanOrEqual(maxPerChannel[i % 4] / 127 / 2 + 1e-7);
    expect(k[100]).toBe(0);
    expect(out.data.byteLength).toBe(16 + MIN_ELEMENTS * 16 + 4);
    expect(() => decodeInt8Channel(specs as never, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length - 1) as ArrayBuffer)).toThrow(/data/);
  });

  it('FaceMesh points within 1.5 px (median under 0.5) and Iris within 1 px of the originals', async () => {
    const shifts: number[] = [];
    let iris = 0;
    for (const clip of CLIPS) {
      const img = T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];
      const [face] = await (await T.nodeDetectors()).face.detect(img);
      const a = (await orig.mesh.landmarks(img, face))!;
      const b = (await int8.mesh.landmarks(img, face))!;
      for (let i = 0; i < a.points.length; i += 3) shifts.push(Math.hypot(a.points[i] - b.points[i], a.points[i + 1] - b.points[i + 1]));
      const ia = await orig.iris.detect(img, a);
      const ib = await int8.iris.detect(img, a);
      releaseImageTensor();
      for (const eye of ['left', 'right'] as const) {
        for (let i = 0; i < ia[eye].iris.length; i++) iris = Math.max(iris, Math.abs(ia[eye].iris[i] - ib[eye].iris[i]));
        iris = Math.max(iris, Math.abs(ia[eye].irisDiameter - ib[eye].irisDiameter));
      }
    }
    shifts.sort((x, y) => x - y);
    const median = shifts[shifts.length >> 1];
    const max = shifts[shifts.length - 1];
    console.log(`facemesh int8 vs original: median point shift ${median.toFixed(3)} px, largest ${max.toFixed(3)} px; iris largest ${iris.toFixed(3)} px (${CLIPS.length} frames, 480×480)`);
    expect(median).toBeLessThan(0.5);
    expect(max).toBeLessThan(1.5);
    expect(iris).toBeLessThan(1);
  }, 60_000);

  it('CenterNet: clean frames pass and a tablet composited in is PHONE_IN_FRAME, as with the original', async () => {
    for (const clip of CLIPS) {
      const img = T.videoFrames(`video/live/${clip}.mp4`, 1, 1)[0];
      const comp = await T.withTablet(img, 160, 300, 260);
      for (const [which, det] of [['original', orig.phone], ['int8', int8.phone]] as const) {
        expect(phoneCheck(await det.detect(img), img.width, img.height, DEFAULT_CONFIG.phone).pass, `${clip} ${which} clean`).toBe(true);
        const objs = await det.detect(comp);
        expect(phoneCheck(objs, img.width, img.height, DEFAULT_CONFIG.phone), `${clip} ${which} with a tablet: ${objs.map((o) => `${o.label} ${o.score.toFixed(2)}`).join(', ')}`).toMatchObject({ pass: false, code: 'PHONE_IN_FRAME' });
      }
    }
  }, 120_000);
});
