import { describe, expect, it } from 'vitest';
import * as T from '../testing/images.ts';
import { tf } from '../../vision/tf.ts';
import { releaseImageTensor } from '../../vision/image.ts';
import { eyeCentre, MESH } from '../checks/geometry.ts';

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

  it('detect-then-track: blazeface on every 3rd frame, same geometry as detecting every frame, no tensor leak', async () => {
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

  it('a scene cut while tracking falls back to detection on the same frame', async () => {
    const a = await T.analyzer({ scheduler: { detectEvery: 3 } });
    await a.analyze(T.videoFrames('video/live/d3.mp4', 1, 1)[0], 0);
    const r = await a.analyze(await T.far(T.videoFrames('video/live/d10.mp4', 1, 1)[0], 0.25), 40);
    expect(r.timings.blazeface).toBeDefined();
    expect(r.checks.distance).toMatchObject({ pass: false, code: 'TOO_FAR' });
  });
});
