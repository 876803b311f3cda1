/**
 * Distance for one still: pinhole estimate from the face width and the camera's horizontal field
 * of view — from the EXIF 35 mm-equivalent focal length when the photo carries it, else from the
 * device class — against a limit that depends on the device (a phone is held at arm's length, a
 * desktop webcam sits further away). d = faceWidth · f / faceWidthPx, f = (W/2) / tan(hfov/2).
 */
import type { ImageDevice } from '../../protocol/index.ts';

/** adult face width between the mesh's cheek points (web-component/config.ts `distance.faceWidthCm`) */
export const FACE_WIDTH_CM = 14.5;

/** per device class: the front camera's horizontal FOV and the farthest accepted face */
export const DEVICE_TABLE: Record<ImageDevice, { hfovDeg: number; maxCm: number; minCm: number }> = {
  /** phone front cameras: ~26–28 mm equivalent; a selfie is taken at 25–55 cm */
  mobile: { hfovDeg: 68, maxCm: 60, minCm: 15 },
  tablet: { hfovDeg: 72, maxCm: 70, minCm: 15 },
  /** laptop and desk webcams: ~60° horizontal; people sit 45–90 cm away */
  desktop: { hfovDeg: 60, maxCm: 95, minCm: 18 },
};

/** 35 mm film's diagonal: the equivalent focal length is defined on it, whatever the sensor's aspect */
const FILM_DIAGONAL_MM = Math.hypot(36, 24);

/** Horizontal FOV (degrees) of a W×H image taken at a 35 mm-equivalent focal length. */
export function hfovOf35mm(f35: number, imageW: number, imageH: number): number {
  const halfWidthMm = (FILM_DIAGONAL_MM / 2) * (imageW / Math.hypot(imageW, imageH));
  return (2 * Math.atan(halfWidthMm / f35) * 180) / Math.PI;
}

export interface ImageDistance {
  cm: number;
  hfovDeg: number;
  source: 'exif' | 'device';
  pass: boolean;
  code?: 'TOO_FAR' | 'TOO_CLOSE';
}

export function imageDistance(faceWidthPx: number, imageW: number, imageH: number, device: ImageDevice, focal35: number | null): ImageDistance {
  const dev = DEVICE_TABLE[device];
  const hfovDeg = focal35 ? hfovOf35mm(focal35, imageW, imageH) : dev.hfovDeg;
  const f = imageW / 2 / Math.tan((hfovDeg * Math.PI) / 360);
  const cm = faceWidthPx > 0 ? (FACE_WIDTH_CM * f) / faceWidthPx : Infinity;
  const source = focal35 ? 'exif' : 'device';
  if (cm > dev.maxCm) return { cm, hfovDeg, source, pass: false, code: 'TOO_FAR' };
  if (cm < dev.minCm) return { cm, hfovDeg, source, pass: false, code: 'TOO_CLOSE' };
  return { cm, hfovDeg, source, pass: true };
}
