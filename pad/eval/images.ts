/**
 * Still images through the single-image API an integrator calls: POST /v1/liveness/image on the
 * real verifier, which calls the real matcher (BioDoc Liveness 1.0, matcher/image-liveness).
 *  - device (the pre-analysis): the request with `preAnalysis: true` passes every step (faces,
 *    eyes, photo of a photo, lighting, distance as a mobile capture); a rejection's code is kept;
 *  - server: the request with `preAnalysis: false`: the single-frame PAD's confidence (0–100).
 * Images under the API's minimum (320×240) are scaled up to it first (LFW is 250×250), as the
 * video harness scales small clips: the API itself refuses them (IMAGE_TOO_SMALL).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateSigningKey } from '../../edge-verifier/keys/demo-key.ts';
import { startVerifier, type RunningVerifier } from '../../edge-verifier/node.ts';
import { testConfig } from '../../edge-verifier/testing/test-config.ts';
import { startMatcher, type RunningMatcher } from '../../matcher/server.ts';
import { IMAGE_LIMITS, type LivenessImageResponse } from '../../protocol/index.ts';

/** The pre-analysis steps that decide a still before liveness. */
export const STATIC_CHECKS = ['faces', 'eyes', 'photo_of_photo', 'lighting', 'distance'] as const;

export interface ImageOutcome {
  /** every pre-analysis step passed */
  deviceAccept: boolean;
  /** the failing step's code */
  deviceCodes: string[];
  /** the single-image confidence 0–100 (pre-analysis off) */
  liveness: number;
  reasons: string[];
  /** true when the image was scaled up to the API's minimum first */
  upscaled: boolean;
  ms: number;
}

export interface ImageScorer {
  score(file: string): Promise<ImageOutcome>;
  close(): Promise<void>;
}

const KEY = 'eval-photo-key-0001';

/** JPEG/PNG bytes at least IMAGE_LIMITS' size (scaled up, aspect kept), re-encoded only when scaled. */
async function atLeastMinimum(bytes: Buffer): Promise<{ bytes: Buffer; upscaled: boolean }> {
  const m = await sharp(bytes).metadata();
  const w = m.width ?? 0, h = m.height ?? 0;
  const k = Math.max(IMAGE_LIMITS.minWidth / Math.max(1, w), IMAGE_LIMITS.minHeight / Math.max(1, h));
  if (k <= 1) return { bytes, upscaled: false };
  return { bytes: await sharp(bytes).resize(Math.ceil(w * k), Math.ceil(h * k)).jpeg({ quality: 92 }).toBuffer(), upscaled: true };
}

export async function createImageScorer(): Promise<ImageScorer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pad-eval-images-'));
  let matcher: RunningMatcher | undefined;
  let verifier: RunningVerifier | undefined;
  try {
    matcher = await startMatcher({ port: 0, store: `sqlite:${path.join(dir, 'm.db')}`, waitReady: true, workers: 0 });
    const base = testConfig({ issuer: 'http://eval.test', signingKeys: [await generateSigningKey()], matcherUrl: matcher.url });
    const photo = { id: 'photo', apiKey: KEY, origins: ['http://localhost:5173'], maxAttempts: 3, liveness: { enabled: true, version: '1.0' } };
    verifier = await startVerifier({ port: 0, env: {}, dbPath: path.join(dir, 'v.db'), config: { ...base, integrators: [...base.integrators, photo], matcherToken: matcher.token, matcherTimeoutMs: 120_000 } });
  } catch (e) {
    await matcher?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `${verifier.url}/v1/liveness/image`;
  const post = async (image: string, preAnalysis: boolean): Promise<LivenessImageResponse> => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ image, preAnalysis, device: 'mobile' }) });
    const body = (await res.json()) as LivenessImageResponse & { code?: string };
    if (res.status !== 200) throw new Error(`HTTP ${res.status} ${body.code ?? ''}`);
    return body;
  };
  return {
    async score(file) {
      const t0 = performance.now();
      const { bytes, upscaled } = await atLeastMinimum(readFileSync(file));
      const image = bytes.toString('base64');
      const pre = await post(image, true);
      const live = await post(image, false);
      const rejected = pre.result === 'rejected';
      return {
        deviceAccept: !rejected,
        deviceCodes: rejected && pre.code ? [pre.code] : [],
        liveness: live.confidence ?? 0,
        reasons: live.result === 'real' ? [] : [live.code ?? 'FACE_NOT_LIVE'],
        upscaled,
        ms: performance.now() - t0,
      };
    },
    async close() {
      await verifier?.close();
      await matcher?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
