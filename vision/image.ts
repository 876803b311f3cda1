/** Image helpers shared by the detectors: ImageInput → tensors, square crops, pixel statistics. */
import { tf } from './tf.ts';
import type { Box, ImageInput } from './types.ts';

let cached: { image: ImageInput; tensor: tf.Tensor4D } | undefined;

/**
 * The image as a [1,h,w,3] float32 tensor of 0–255 RGB. One-entry cache: detectors running on
 * the same ImageInput object share one conversion; a new image disposes the previous tensor.
 */
export function imageTensor(image: ImageInput): tf.Tensor4D {
  if (cached?.image === image && !cached.tensor.isDisposed) return cached.tensor;
  cached?.tensor.dispose();
  const { data, width, height, channels } = image;
  if (data.length < width * height * channels) throw new Error('ImageInput: data shorter than width*height*channels');
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += channels, j += 3) {
    rgb[j] = data[i];
    rgb[j + 1] = data[i + 1];
    rgb[j + 2] = data[i + 2];
  }
  const tensor = tf.keep(tf.tensor4d(rgb, [1, height, width, 3]));
  cached = { image, tensor };
  return tensor;
}

/** Releases the cached frame tensor (call when a frame is done, e.g. at the end of a pipeline step). */
export function releaseImageTensor(): void {
  cached?.tensor.dispose();
  cached = undefined;
}

/**
 * Crops `box` (image pixels; may extend past the borders, padded with black) and resizes it to
 * size×size, bilinear. Returns [1,size,size,3] 0–255.
 */
export function cropResize(image: ImageInput, box: Box, size: number, flip = false): tf.Tensor4D {
  const t = imageTensor(image);
  const { width: W, height: H } = image;
  // cropAndResize samples pixel centres over [0, W-1]; map the box edges accordingly.
  const y1 = box.y / (H - 1);
  const x1 = box.x / (W - 1);
  const y2 = (box.y + box.h) / (H - 1);
  const x2 = (box.x + box.w) / (W - 1);
  const b = flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
  return tf.image.cropAndResize(t, [b], [0], [size, size], 'bilinear', 0) as tf.Tensor4D;
}

/** The square box of side max(w,h)·scale centred on `box`. */
export function squareBox(box: Box, scale: number): Box {
  const s = Math.max(box.w, box.h) * scale;
  return { x: box.x + box.w / 2 - s / 2, y: box.y + box.h / 2 - s / 2, w: s, h: s };
}

/** Square box covering the whole image (letterboxing the short side). */
export function letterboxBox(image: ImageInput): Box {
  const s = Math.max(image.width, image.height);
  return { x: (image.width - s) / 2, y: (image.height - s) / 2, w: s, h: s };
}

/** BT.601 luma of pixel i (index of its first channel). */
export function lumaAt(image: ImageInput, i: number): number {
  const d = image.data;
  return 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
}
