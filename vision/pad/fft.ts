/** In-place radix-2 FFTs for the small (64/128) face-crop spectra. */

/** 1-D complex FFT in place; n = re.length must be a power of two. */
export function fft1d(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * Power spectrum of an n×n real image (row-major), mean removed and Hann-windowed so the crop's
 * borders do not leak as a cross. Returned unshifted: index (v, u), frequencies wrap at n/2.
 */
export function powerSpectrum(img: ArrayLike<number>, n: number): Float64Array {
  if (n & (n - 1) || img.length !== n * n) throw new RangeError('powerSpectrum: n must be a power of two and img n×n');
  let mean = 0;
  for (let i = 0; i < img.length; i++) mean += img[i];
  mean /= img.length;
  const win = new Float64Array(n);
  for (let i = 0; i < n; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) re[y * n + x] = (img[y * n + x] - mean) * win[y] * win[x];
  const r = new Float64Array(n);
  const i2 = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    r.set(re.subarray(y * n, y * n + n));
    i2.set(im.subarray(y * n, y * n + n));
    fft1d(r, i2);
    re.set(r, y * n);
    im.set(i2, y * n);
  }
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      r[y] = re[y * n + x];
      i2[y] = im[y * n + x];
    }
    fft1d(r, i2);
    for (let y = 0; y < n; y++) {
      re[y * n + x] = r[y];
      im[y * n + x] = i2[y];
    }
  }
  const p = new Float64Array(n * n);
  for (let i = 0; i < p.length; i++) p[i] = re[i] * re[i] + im[i] * im[i];
  return p;
}

/** Radius (in frequency bins) of spectrum index i of an n×n unshifted spectrum. */
export function radiusOf(i: number, n: number): number {
  const y = Math.floor(i / n);
  const x = i % n;
  const fy = y < n / 2 ? y : y - n;
  const fx = x < n / 2 ? x : x - n;
  return Math.hypot(fx, fy);
}
