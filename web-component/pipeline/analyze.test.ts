import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { tf } from '../../vision/tf.ts';
import { releaseImageTensor } from '../../vision/image.ts';
import { eyeCentre, MESH } from '../checks/geometry.ts';
import { resolveConfig } from '../config.ts';
import { FrameAnalyzer } from './analyze.ts';

describe('FrameAnalyzer and the vision detectors in Node (tfjs wasm)', () => {
  it('blazeface eye keypoints agree with the facemesh eye centres (landscape and portrait)', async () => {
    const det = await T.nodeDetectors();
    for (const img of [T.videoFrames('video/live/d10.mp4', 1, 1)[0], await T.decode(T.fixture('spoof/real/sfas-T1.jpg'))]) {
      const [face] = await det.face.detect(img);
      const mesh = (await det.mesh.landmarks(img, face))!;
      expect(mesh.score).toBeGreaterThan(0.5);
      releaseImageTensor();
      const right = eyeCentre(mesh.points, MESH.rightEye);
      const left = eyeCentre(mesh.points, MESH.leftEye);
      const io = Math.hypot(right[0] - left[0], right[1] - left[1]);
      // keypoint 0 is the subject's right eye (image left), keypoint 1 the left eye
      expect(Math.hypot(face.keypoints[0][0] - right[0], face.keypoints[0][1] - right[1])).toBeLessThan(0.15 * io);
      expect(Math.hypot(face.keypoints[1][0] - left[0], face.keypoints[1][1] - left[1])).toBeLessThan(0.15 * io);
    }
  });

  it('detect-then-track: the face detector on every 3rd frame, same geometry as detecting every frame, no tensor leak', async () => {
    const frames = T.videoFrames('video/live/d10.mp4', 0.5, 12);
    const tracked = await T.analyzer({ scheduler: { detectEvery: 3 } });
    const every = await T.analyzer({ scheduler: { detectEvery: 1 } });
    releaseImageTensor(); // the previous test's direct detector calls leave the cached frame tensor
    const before = tf.memory().numTensors;
    let detections = 0;
    for (let i = 0; i < frames.length; i++) {
      const a = await tracked.analyze(frames[i], i * 40);
      const b = await every.analyze(frames[i], i * 40);
      if (a.timings.blazeface !== undefined) detections++;
      expect(a.faces).toBe(1);
      expect(Math.abs(a.geometry!.faceWidthPx - b.geometry!.faceWidthPx) / b.geometry!.faceWidthPx).toBeLessThan(0.05);
      expect(Math.abs(a.geometry!.cx - b.geometry!.cx)).toBeLessThan(0.03);
    }
    expect(detections).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the short-range detector (128²) finds a selfie face as the 256 one does; a face too small for it is found by the 256 one', async () => {
    const det = await T.nodeDetectors();
    expect(det.faceFar).toBeDefined();
    const frame = T.videoFrames('video/live/d10.mp4', 1, 1)[0];
    const [near] = await det.face.detect(frame);
    const [far] = await det.faceFar!.detect(frame);
    releaseImageTensor();
    const w = far.box.w;
    expect(Math.abs(near.box.w - w) / w).toBeLessThan(0.15);
    expect(Math.abs(near.box.x + near.box.w / 2 - (far.box.x + far.box.w / 2)) / w).toBeLessThan(0.1);
    // the same face at a tenth of its size: under the short-range model's reach
    const tiny = await T.far(frame, 0.1);
    expect(await det.face.detect(tiny)).toEqual([]);
    releaseImageTensor();
    const withFar = await (await T.analyzer()).analyze(tiny, 0);
    expect(withFar.faces).toBe(1);
    expect(withFar.checks.distance).toMatchObject({ pass: false, code: 'TOO_FAR' });
    const nearOnly = await new FrameAnalyzer({ ...det, faceFar: undefined }, resolveConfig({})).analyze(tiny, 0);
    expect(nearOnly.faces).toBe(0);
  });

  it('a scene cut while tracking falls back to detection on the same frame', async () => {
    const a = await T.analyzer({ scheduler: { detectEvery: 3 } });
    await a.analyze(T.videoFrames('video/live/d3.mp4', 1, 1)[0], 0);
    const r = await a.analyze(await T.far(T.videoFrames('video/live/d10.mp4', 1, 1)[0], 0.25), 40);
    expect(r.timings.blazeface).toBeDefined();
    expect(r.checks.distance).toMatchObject({ pass: false, code: 'TOO_FAR' });
  });
});
