/** Synthetic 468-point "faces" for the signal unit tests: a 3-D head-like point cloud and projections. */

/** Deterministic 3-D point cloud (x, y, z in mm, z towards the camera) shaped like a face: an ellipsoid cap with a nose. */
export function head3d(): Float64Array {
  const p = new Float64Array(468 * 3);
  let s = 7;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 468; i++) {
    const u = r() * 2 - 1;
    const v = r() * 2 - 1;
    const x = 70 * u;
    const y = 95 * v;
    let z = 60 * Math.sqrt(Math.max(0, 1 - u * u - v * v * 0.6));
    z += 25 * Math.exp(-(u * u + (v + 0.05) ** 2) / 0.02); // nose
    p.set([x, y, z], i * 3);
  }
  // landmarks the signals index get anatomical places (eyes, nose, cheeks)
  const put = (i: number, x: number, y: number, z: number) => p.set([x, y, z], i * 3);
  put(33, -45, -20, 40); put(133, -15, -20, 45); put(263, 45, -20, 40); put(362, 15, -20, 45);
  put(160, -35, -26, 42); put(158, -25, -26, 43); put(153, -25, -14, 43); put(144, -35, -14, 42);
  put(387, 35, -26, 42); put(385, 25, -26, 43); put(380, 25, -14, 43); put(373, 35, -14, 42);
  put(1, 0, 15, 85); put(4, 0, 10, 82); put(234, -72, 0, 5); put(454, 72, 0, 5);
  return p;
}

/** Pinhole projection (focal f px, principal point c) of 3-D points after rotation about y (yaw, rad) at distance d (mm). */
export function project3d(p: Float64Array, o: { d: number; yaw?: number; f?: number; c?: number }): Float32Array {
  const f = o.f ?? 600;
  const c = o.c ?? 240;
  const cy = Math.cos(o.yaw ?? 0);
  const sy = Math.sin(o.yaw ?? 0);
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const x = cy * p[i] + sy * p[i + 2];
    const z = -sy * p[i] + cy * p[i + 2];
    const y = p[i + 1];
    const depth = o.d - z;
    out[i] = c + (f * x) / depth;
    out[i + 1] = c + (f * y) / depth;
    out[i + 2] = z;
  }
  return out;
}

/** The same cloud flattened onto a plane (a print of the face), then projected. */
export function flat(p: Float64Array): Float64Array {
  const q = new Float64Array(p);
  for (let i = 2; i < q.length; i += 3) q[i] = 0;
  return q;
}
