/** Least-squares homography (h33 = 1) mapping src → dst via the 8×8 normal equations. */
export function fitHomography(src: [number, number][], dst: [number, number][]): number[] | null {
  const A = Array.from({ length: 8 }, () => new Float64Array(9));
  for (let i = 0; i < src.length; i++) {
    const [x, y] = src[i], [u, w] = dst[i];
    const rows = [[x, y, 1, 0, 0, 0, -u * x, -u * y, u], [0, 0, 0, x, y, 1, -w * x, -w * y, w]];
    for (const r of rows) for (let a = 0; a < 8; a++) for (let b = 0; b < 9; b++) A[a][b] += r[a] * r[b];
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (Math.abs(A[p][c]) < 1e-12) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k < 9; k++) A[r][k] -= f * A[c][k];
    }
  }
  return [...Array.from({ length: 8 }, (_, i) => A[i][8] / A[i][i]), 1];
}

/** RMS distance between H·src and dst. */
export function homographyResidual(h: number[], src: [number, number][], dst: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < src.length; i++) {
    const [x, y] = src[i];
    const z = h[6] * x + h[7] * y + h[8];
    const u = (h[0] * x + h[1] * y + h[2]) / z, w = (h[3] * x + h[4] * y + h[5]) / z;
    s += (u - dst[i][0]) ** 2 + (w - dst[i][1]) ** 2;
  }
  return Math.sqrt(s / src.length);
}
