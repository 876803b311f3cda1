import { describe, expect, it } from 'vitest';
import { cameraSignals, FrameTimingTracker, isNonCameraTrack, isVirtualLabel } from './camera.ts';

const cam = { kind: 'video', label: 'Integrated Webcam (0bda:58f4)', settings: { deviceId: 'abc', width: 1280, height: 720, frameRate: 30 } };

describe('camera risk signals', () => {
  it('flags virtual-camera labels', () => {
    for (const l of ['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'Dummy video device (0x0000)', 'v4l2loopback', 'Snap Camera', 'XSplit VCam', 'DroidCam Source 3', 'e2eSoft VCam', 'CamTwist']) {
      expect(isVirtualLabel(l), l).toBe(true);
    }
    for (const l of ['Integrated Webcam', 'FaceTime HD Camera', 'Front Camera', 'Logitech BRIO']) expect(isVirtualLabel(l), l).toBe(false);
  });

  it('flags non-camera tracks: canvas capture (no label/device), file-backed fake camera', () => {
    expect(isNonCameraTrack(cam)).toBe(false);
    expect(isNonCameraTrack({ kind: 'video', label: '', settings: {} })).toBe(true);
    expect(isNonCameraTrack({ ...cam, label: '/tmp/lk-e2e-x/d3.y4m' })).toBe(true);
    expect(isNonCameraTrack({ ...cam, kind: 'audio' })).toBe(true);
  });

  it('frame timing: jittery real camera ok, metronome-perfect or erratic timing flagged', () => {
    const real = new FrameTimingTracker();
    let t = 0;
    for (let i = 0; i < 60; i++) real.update((t += 0.0333 + (i % 3) * 0.002 - 0.002), i + 1);
    expect(real.anomaly).toBe(false);
    expect(real.fps).toBeGreaterThan(28);
    const synthetic = new FrameTimingTracker();
    for (let i = 0; i < 60; i++) synthetic.update(i * 0.04, i + 1);
    expect(synthetic.anomaly).toBe(true);
    const erratic = new FrameTimingTracker();
    t = 0;
    for (let i = 0; i < 60; i++) erratic.update((t += i % 2 ? 0.005 : 0.2), i + 1);
    expect(erratic.anomaly).toBe(true);
  });

  it('builds CameraSignals', () => {
    expect(cameraSignals(cam, null)).toEqual({ label: cam.label, virtual: false, nonCamera: false, timingAnomaly: false, width: 1280, height: 720, fps: 30 });
  });
});
