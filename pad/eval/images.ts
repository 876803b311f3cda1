/**
 * Still images (Node): a single still cannot show motion or an approach, so it is scored as one
 * frame.
 *  - server: padFromFrames on the JPEG round trip (q 88, as evidence travels) with landmarks the
 *    server extracts itself (BlazeFace + FaceMesh, pad/landmarks.ts) and the server's CenterNet
 *    screen objects, `requireApproach: false` — texture/context signals only, scored by the
 *    single-frame model (`PAD_SINGLE_WEIGHTS`, which padFromFrames picks for one frame);
 *  - device: the element's per-frame checks (web-component FrameAnalyzer, the unit tests' path) on
 *    the raw image, heavy models on, phone check from CenterNet. Only the static checks (face,
 *    eyes, phone, lighting, distance) decide: the liveness check needs motion over time.
 */
import { createCenterNet } from '../../vision/centernet.ts';
import { releaseImageTensor } from '../../vision/image.ts';
import { nodeModelSource } from '../../vision/load-node.ts';
import type { DetectedObject, ImageInput, ObjectDetector } from '../../vision/types.ts';
import { padFromFrames } from '../../vision/pad/index.ts';
import { analyzer } from '../../web-component/testing/images.ts';
import { resolveConfig } from '../../web-component/config.ts';
import { createNodeLandmarker, type NodeLandmarker } from '../landmarks.ts';
import { decodeImage, jpegRoundTrip } from '../fixtures.ts';

/** The checks that decide a still on device (the liveness check needs a sequence). */
export const STATIC_CHECKS = ['face', 'eyes', 'phone', 'lighting', 'distance'] as const;

export interface ImageOutcome {
  /** static checks all pass */
  deviceAccept: boolean;
  /** failing check codes */
  deviceCodes: string[];
  /** padFromFrames liveness 0–100 */
  liveness: number;
  reasons: string[];
  ms: number;
}

export interface ImageScorer {
  score(file: string): Promise<ImageOutcome>;
  dispose(): void;
}

export async function createImageScorer(): Promise<ImageScorer> {
  const lm: NodeLandmarker = await createNodeLandmarker();
  const objects: ObjectDetector = await createCenterNet({ model: nodeModelSource(), minScore: 0.1, labels: resolveConfig().phone.labels });
  const cfg = resolveConfig();
  return {
    async score(file) {
      const t0 = performance.now();
      const raw = await decodeImage(file);
      let objs: DetectedObject[];
      try {
        objs = await objects.detect(raw);
      } finally {
        releaseImageTensor();
      }
      // device: a fresh analyzer per image (no blink/motion history from other images)
      const a = await analyzer();
      const r = await a.analyze(raw, 0, { heavy: true, objects: objs });
      releaseImageTensor();
      const deviceCodes: string[] = [];
      for (const name of STATIC_CHECKS) {
        const c = r.checks[name];
        if (c && !c.pass) deviceCodes.push(c.code ?? name);
      }
      // server: JPEG evidence frame, its own landmarks and screen objects (score ≥ 0.2 as pad/landmarks)
      const jpg: ImageInput = await jpegRoundTrip(raw, 88);
      const landmarks = await lm.landmarks(jpg);
      const serverObjs = objs.filter((o) => o.score >= 0.2 && cfg.phone.labels.includes(o.label));
      const pad = padFromFrames([{ image: jpg, landmarks, t: 0, role: 'best' }], serverObjs, { requireApproach: false });
      return { deviceAccept: deviceCodes.length === 0, deviceCodes, liveness: pad.liveness, reasons: pad.reasons, ms: performance.now() - t0 };
    },
    dispose() {
      lm.dispose();
      objects.dispose();
    },
  };
}
