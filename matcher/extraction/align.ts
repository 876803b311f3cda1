import type { FaceLandmarks, ImageInput } from '../../vision/types.ts';
import { estimateSimilarity, invertAffine, warpAffine } from './affine.ts';

/** facemesh indices: image-right outer/inner eye corner, image-left outer/inner eye corner, nose base. */
export const ALIGN_MESH_POINTS = [263, 362, 33, 133, 2] as const;

/** dlib's 5-point mean face (get_face_chip_details), same order as ALIGN_MESH_POINTS, unit square. */
export const DLIB_MEAN_FACE: [number, number][] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

export interface AlignOptions { size?: number; padding?: number }

/** Similarity-warps the face onto dlib's mean-face positions: a size×size RGB chip (150, 0.25 padding). */
export function alignChip(image: ImageInput, lm: FaceLandmarks, o: AlignOptions = {}): ImageInput {
  const size = o.size ?? 150, pad = o.padding ?? 0.25;
  const src = ALIGN_MESH_POINTS.map((i) => [lm.points[3 * i], lm.points[3 * i + 1]] as [number, number]);
  const dst = DLIB_MEAN_FACE.map(([x, y]) => [((x + pad) / (1 + 2 * pad)) * size, ((y + pad) / (1 + 2 * pad)) * size] as [number, number]);
  const srcToChip = estimateSimilarity(src, dst);
  return warpAffine(image, invertAffine(srcToChip), size, size);
}
