/**
 * Opens the front camera for a host element and closes it when the host disconnects. Maps the
 * browser's errors to stable codes (permission, not found, constraints, virtual camera).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KitError, type CameraSignals } from '../../protocol/index.ts';
import { cameraSignals, isVirtualLabel, meetsMinimum, type TrackInfo } from './camera-signals.ts';

export interface CameraOptions {
  /** refuse tracks whose label names a known virtual camera (default true) */
  refuseVirtual: boolean;
}

/**
 * The camera asked for. The ideal is 640 on both sides, not 640×480: the browser crops a source to
 * the ideal's shape, and a portrait camera (a phone held upright gives 480×640, a portrait selfie
 * 480×872) asked for 640×480 came back as a 480×480 centre crop in Chromium — the chin and forehead
 * of a face that fills the width cut off, worst on the approach step's near frame. With 640×640 a
 * 4:3 camera keeps its whole picture either way up (640×480 stays 640×480, 480×640 stays 480×640);
 * a 16:9 webcam gives 640×640 (e2e/camera.test.ts measures each).
 */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: {
    facingMode: 'user',
    width: { min: 320, ideal: 640 },
    height: { min: 240, ideal: 640 },
    frameRate: { min: 15, ideal: 25 },
  },
};

export function cameraErrorCode(e: unknown): KitError {
  if (e instanceof KitError) return e;
  const name = (e as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return new KitError('CAMERA_PERMISSION_DENIED');
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError') return new KitError('CAMERA_NOT_FOUND');
  if (name === 'OverconstrainedError' || name === 'ConstraintNotSatisfiedError') return new KitError('CAMERA_CONSTRAINTS');
  if (name === 'NotReadableError' || name === 'AbortError') return new KitError('CAMERA_NOT_FOUND', 'camera busy or unreadable');
  return new KitError('CAMERA_NOT_FOUND', 'camera unavailable');
}

export class CameraController implements ReactiveController {
  stream: MediaStream | null = null;
  track: MediaStreamTrack | null = null;
  signals: CameraSignals | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: CameraOptions = { refuseVirtual: true },
  ) {
    host.addController(this);
  }

  /** Opens the camera and attaches it to `video`; throws KitError with a camera code. */
  async open(video: HTMLVideoElement): Promise<MediaStreamTrack> {
    this.close();
    if (!navigator.mediaDevices?.getUserMedia) throw new KitError('CAMERA_NOT_FOUND', 'no media devices (insecure context?)');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
    } catch (e) {
      throw cameraErrorCode(e);
    }
    this.stream = stream;
    const track = stream.getVideoTracks()[0];
    if (!track) {
      this.close();
      throw new KitError('CAMERA_NOT_FOUND');
    }
    const info: TrackInfo = { label: track.label, kind: track.kind, settings: track.getSettings() as TrackInfo['settings'] };
    if (!meetsMinimum(info.settings)) {
      this.close();
      throw new KitError('CAMERA_CONSTRAINTS');
    }
    if (this.options.refuseVirtual && isVirtualLabel(info.label)) {
      this.close();
      throw new KitError('CAMERA_VIRTUAL');
    }
    this.signals = cameraSignals(info, null);
    this.track = track;
    video.srcObject = stream;
    video.muted = true;
    video.playsInline = true;
    await video.play().catch(() => undefined);
    this.host.requestUpdate();
    return track;
  }

  close(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.track = null;
  }

  hostDisconnected(): void {
    this.close();
  }
}
