/** MediaPipe FaceMesh (468-point) indices the PAD signals use. */

/** Eye contours for the eye aspect ratio: [outer, upper1, upper2, inner, lower2, lower1] (p1…p6). */
export const RIGHT_EYE = [33, 160, 158, 133, 153, 144] as const;
export const LEFT_EYE = [263, 387, 385, 362, 380, 373] as const;
/** Outer eye corners: inter-ocular distance normalises every landmark distance. */
export const EYE_OUTER = [33, 263] as const;

/** Points that move with the skull (forehead, nose bridge and tip, eye corners, cheek edges). */
export const RIGID = [10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 2, 33, 133, 362, 263, 234, 454, 127, 356, 109, 338, 67, 297] as const;
/** Points that move with expression (lids, brows, lips). */
export const EXPRESSIVE = [159, 145, 386, 374, 160, 144, 385, 380, 13, 14, 61, 291, 0, 17, 78, 308, 82, 312, 87, 317, 70, 300, 105, 334] as const;

/** Face oval (peripheral) and central (nose, inner eye corners) points for the approach perspective change. */
export const FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109] as const;
export const CENTRAL = [1, 2, 4, 5, 195, 197, 6, 168, 98, 327, 64, 294, 133, 362, 48, 278] as const;
