/**
 * Stable reason codes of the presentation-attack detection (PAD) signals, shared by the element
 * (on-device risk signals) and the matcher (server-side decision). Each names what looked like an
 * attack; the verdict's liveness 0–100 comes with the codes that pulled it down.
 */
export const PAD_REASONS = [
  /** landmarks across the approach (or head motion) fit one homography: a flat object */
  'PAD_PLANAR_MOTION',
  /** the face grew without the perspective change of a 3-D face coming closer */
  'PAD_NO_PERSPECTIVE_CHANGE',
  /** lids, lips and brows never moved beyond the rigid head motion */
  'PAD_RIGID_FACE',
  /** no eye-aspect-ratio change (blink) in the window */
  'PAD_NO_BLINK',
  /** frames frozen or repeating (still image or loop fed as the camera) */
  'PAD_FROZEN_FRAMES',
  /** periodic peaks in the face crop's spectrum (screen re-capture) */
  'PAD_MOIRE',
  /** face lacks fine detail (print / re-capture blur) */
  'PAD_LOW_DETAIL',
  /** large clipped colourless highlight on the face (screen or glossy print glare) */
  'PAD_GLARE',
  /** colour or tone statistics of a print / screen (desaturation, banding) */
  'PAD_CHROMA',
  'PAD_BANDING',
  /** the surroundings grew with the face as it came closer: one picture brought to the camera */
  'PAD_BACKGROUND_MOVES_WITH_FACE',
  /** straight bezel or paper edges frame the face */
  'PAD_FRAME_EDGES',
  /** the object detector sees a phone, screen or laptop over the face */
  'PAD_SCREEN_OBJECT',
  /** camera provenance risk (virtual camera, non-camera track, timing) */
  'PAD_CAMERA_RISK',
  /** no far/near frame pair with a face growing enough: the active step cannot be judged */
  'PAD_APPROACH_MISSING',
  /** no face landmarks in the evidence frames */
  'PAD_NO_FACE',
  /**
   * one frame only: a single photo shows no motion, approach or depth, so it cannot carry liveness;
   * its texture and context signals can only find an attack (the score stays below the threshold)
   */
  'PAD_SINGLE_FRAME',
] as const;
export type PadReason = (typeof PAD_REASONS)[number];
