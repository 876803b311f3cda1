/**
 * Camera provenance risk signals (never gates): virtual-camera track labels, tracks that do not
 * look like a physical camera, and frame-timing anomalies from requestVideoFrameCallback metadata.
 */
import type { CameraSignals } from '../../protocol/index.ts';

/** Label fragments of known virtual / software cameras (case-insensitive). */
export const VIRTUAL_CAMERA_PATTERNS: readonly RegExp[] = [
  /\bobs\b/i,
  /virtual/i,
  /manycam/i,
  /v4l2\s*loopback|dummy video device/i,
  /snap camera/i,
  /xsplit/i,
  /droidcam/i,
  /e2esoft|vcam/i,
  /camtwist/i,
  /splitcam/i,
  /youcam/i,
  /iriun/i,
  /epoccam/i,
  /camo\b/i,
  /nvidia broadcast/i,
  /mmhmm/i,
  /fake/i,
];

export function isVirtualLabel(label: string): boolean {
  return VIRTUAL_CAMERA_PATTERNS.some((r) => r.test(label));
}

/** What the page can read about the track (a structural subset of MediaStreamTrack). */
export interface TrackInfo {
  kind: string;
  label: string;
  settings: { deviceId?: string; groupId?: string; width?: number; height?: number; frameRate?: number; facingMode?: string };
}

/**
 * True when the track does not look like a capture device: no label or device id (canvas/ WebRTC
 * tracks), or a label that is a file path (Chromium's fake camera, file-backed virtual cameras).
 */
export function isNonCameraTrack(t: TrackInfo): boolean {
  if (t.kind !== 'video') return true;
  if (!t.label.trim() || !t.settings.deviceId) return true;
  return /[\\/]|\.(y4m|mjpe?g|mp4|avi|mov)\b/i.test(t.label);
}

/** Frame-timing anomaly detector over rVFC metadata (mediaTime in s, presentedFrames counter). */
export class FrameTimingTracker {
  private deltas: number[] = [];
  private lastMedia: number | null = null;
  private lastPresented: number | null = null;
  private gaps = 0;
  private frames = 0;
  constructor(
    private readonly window = 60,
    /** coefficient of variation of frame intervals below which timing is synthetic-regular */
    private readonly minCv = 0.002,
    /** …and above which it is erratic */
    private readonly maxCv = 0.8,
    /** fraction of skipped presented frames that is suspicious */
    private readonly maxGapFrac = 0.5,
  ) {}

  update(mediaTime: number, presentedFrames: number): void {
    if (this.lastMedia !== null && mediaTime > this.lastMedia) {
      this.deltas.push(mediaTime - this.lastMedia);
      if (this.deltas.length > this.window) this.deltas.shift();
    }
    if (this.lastPresented !== null && presentedFrames > this.lastPresented) {
      this.gaps += presentedFrames - this.lastPresented - 1;
      this.frames += presentedFrames - this.lastPresented;
    }
    this.lastMedia = mediaTime;
    this.lastPresented = presentedFrames;
  }

  /** Mean frame rate seen in mediaTime (0 until enough frames). */
  get fps(): number {
    if (this.deltas.length < 2) return 0;
    return 1 / (this.deltas.reduce((a, b) => a + b, 0) / this.deltas.length);
  }

  /** Interval coefficient of variation (std / mean), NaN until 30 intervals. */
  get cv(): number {
    const n = this.deltas.length;
    if (n < 30) return NaN;
    const m = this.deltas.reduce((a, b) => a + b, 0) / n;
    const v = this.deltas.reduce((a, d) => a + (d - m) * (d - m), 0) / n;
    return Math.sqrt(v) / m;
  }

  get anomaly(): boolean {
    const cv = this.cv;
    if (Number.isNaN(cv)) return false;
    return cv < this.minCv || cv > this.maxCv || (this.frames > 30 && this.gaps / this.frames > this.maxGapFrac);
  }
}

/** The camera risk signals for the capture claims. */
export function cameraSignals(t: TrackInfo, timing: FrameTimingTracker | null): CameraSignals {
  const label = t.label.slice(0, 256);
  const s: CameraSignals = { label, virtual: isVirtualLabel(label), nonCamera: isNonCameraTrack(t), timingAnomaly: timing?.anomaly ?? false };
  if (t.settings.width) s.width = t.settings.width;
  if (t.settings.height) s.height = t.settings.height;
  const fps = timing?.fps || t.settings.frameRate;
  if (fps) s.fps = Math.round(fps * 10) / 10;
  return s;
}
