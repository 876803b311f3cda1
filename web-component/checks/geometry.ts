/** Per-frame face geometry from the 468-point mesh: size, pose, eye openness, scale-free ratios. */
import type { FaceDetection, FaceLandmarks } from '../../vision/types.ts';

/** Face geometry of one frame, in video pixels (unmirrored). Also what the "move closer" step uses. */
export interface FaceGeometry {
  /** face width in pixels: mesh cheek points 234–454 (detector box width without a mesh) */
  faceWidthPx: number;
  /** distance between the eye centres in pixels (0 when unknown) */
  interOcularPx: number;
  /** face box centre as a fraction of the frame (0–1) */
  cx: number;
  cy: number;
  /** scale-free ratios: [nose length / inter-ocular, face height / face width, mouth opening / face width, eye span / face width] */
  ratios: number[];
  /** head pose in degrees from the mesh's z (0 = frontal) */
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** eye aspect ratio (lid gap / corner distance) of the subject's right and left eye */
  earRight: number;
  earLeft: number;
  /** iris diameter in pixels (mean of both eyes) when the iris model ran on this frame */
  irisPx?: number;
}

/** mesh indices used here */
export const MESH = {
  rightEye: { outer: 33, inner: 133, top: 159, bottom: 145 },
  leftEye: { outer: 263, inner: 362, top: 386, bottom: 374 },
  noseTip: 1,
  noseBridge: 168,
  forehead: 10,
  chin: 152,
  cheekRight: 234,
  cheekLeft: 454,
  lipTop: 13,
  lipBottom: 14,
} as const;

const P = (m: ArrayLike<number>, i: number): [number, number, number] => [m[3 * i], m[3 * i + 1], m[3 * i + 2]];
const dist = (a: number[], b: number[]): number => Math.hypot(a[0] - b[0], a[1] - b[1]);
const DEG = 180 / Math.PI;

/** Eye aspect ratio of one eye. */
export function eyeAspect(m: Float32Array, e: { outer: number; inner: number; top: number; bottom: number }): number {
  const w = dist(P(m, e.outer), P(m, e.inner));
  return w > 0 ? dist(P(m, e.top), P(m, e.bottom)) / w : 0;
}

/** Centre of one eye (midpoint of its corners). */
export function eyeCentre(m: Float32Array, e: { outer: number; inner: number }): [number, number] {
  const a = P(m, e.outer);
  const b = P(m, e.inner);
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/** Head yaw (cheek depths) and pitch (chin against forehead depth) of a FaceMesh, in degrees. */
export function meshPose(m: ArrayLike<number>): { yawDeg: number; pitchDeg: number } {
  const cr = P(m, MESH.cheekRight);
  const cl = P(m, MESH.cheekLeft);
  const fh = P(m, MESH.forehead);
  const ch = P(m, MESH.chin);
  return {
    yawDeg: Math.atan2(cl[2] - cr[2], Math.hypot(cl[0] - cr[0], cl[1] - cr[1])) * DEG,
    pitchDeg: Math.atan2(ch[2] - fh[2], Math.hypot(ch[0] - fh[0], ch[1] - fh[1])) * DEG,
  };
}

/** Geometry from the detection and (when available) its mesh; frame size normalises the centre. */
export function faceGeometry(face: FaceDetection, mesh: FaceLandmarks | null, frameW: number, frameH: number, irisPx?: number): FaceGeometry {
  const b = face.box;
  const cx = (b.x + b.w / 2) / frameW;
  const cy = (b.y + b.h / 2) / frameH;
  if (!mesh) {
    const [re, le] = face.keypoints;
    return { faceWidthPx: b.w, interOcularPx: re && le ? dist(re, le) : 0, cx, cy, ratios: [], yawDeg: 0, pitchDeg: 0, rollDeg: 0, earRight: 0, earLeft: 0, irisPx };
  }
  const m = mesh.points;
  const cr = P(m, MESH.cheekRight);
  const cl = P(m, MESH.cheekLeft);
  const fh = P(m, MESH.forehead);
  const ch = P(m, MESH.chin);
  const rc = eyeCentre(m, MESH.rightEye);
  const lc = eyeCentre(m, MESH.leftEye);
  const faceWidthPx = dist(cr, cl);
  const interOcularPx = dist(rc, lc);
  const { yawDeg, pitchDeg } = meshPose(m);
  const rollDeg = Math.atan2(lc[1] - rc[1], lc[0] - rc[0]) * DEG;
  const io = interOcularPx || 1;
  const fw = faceWidthPx || 1;
  const ratios = [
    dist(P(m, MESH.noseBridge), P(m, MESH.noseTip)) / io,
    dist(fh, ch) / fw,
    dist(P(m, MESH.lipTop), P(m, MESH.lipBottom)) / fw,
    dist(P(m, MESH.rightEye.outer), P(m, MESH.leftEye.outer)) / fw,
  ];
  return {
    faceWidthPx,
    interOcularPx,
    cx,
    cy,
    ratios,
    yawDeg,
    pitchDeg,
    rollDeg,
    earRight: eyeAspect(m, MESH.rightEye),
    earLeft: eyeAspect(m, MESH.leftEye),
    irisPx,
  };
}
