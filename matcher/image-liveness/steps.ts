/**
 * The single-image pre-analysis as one pure decision over measurements, in the specified order —
 * faces, eyes, photo of a photo, lighting, distance — stopping at the first failure. The liveness
 * step is appended by the caller once every step passed (or when pre-analysis is off).
 */
import type { CheckResult, ImageStep, ImageStepName } from '../../protocol/index.ts';
import type { ImageDistance } from './distance.ts';

export interface ImageMeasurements {
  /** faces at or above the detector's threshold */
  faces: number;
  /** eyes of the one face (null when there is not exactly one) */
  eyes: CheckResult | null;
  /** screen / phone / tablet around or in front of the face */
  photo: CheckResult;
  lighting: CheckResult;
  distance: ImageDistance | null;
}

export interface PreAnalysis {
  steps: ImageStep[];
  failed?: ImageStepName;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function preAnalysis(m: ImageMeasurements): PreAnalysis {
  const steps: ImageStep[] = [];
  const stop = (s: ImageStep): PreAnalysis => ({ steps: [...steps, s], failed: s.step });
  if (m.faces === 0) return stop({ step: 'faces', pass: false, code: 'FACE_NOT_FOUND', value: 0 });
  if (m.faces > 1) return stop({ step: 'faces', pass: false, code: 'MULTIPLE_FACES', value: m.faces });
  steps.push({ step: 'faces', pass: true, value: 1 });
  const e = m.eyes ?? { pass: false, value: 0, code: 'EYES_NOT_VISIBLE' };
  if (!e.pass) return stop({ step: 'eyes', pass: false, code: e.code ?? 'EYES_NOT_VISIBLE', value: round(e.value) });
  steps.push({ step: 'eyes', pass: true, value: round(e.value) });
  if (!m.photo.pass) return stop({ step: 'photo_of_photo', pass: false, code: m.photo.code ?? 'PHONE_IN_FRAME', value: round(m.photo.value) });
  steps.push({ step: 'photo_of_photo', pass: true, value: round(m.photo.value) });
  if (!m.lighting.pass) return stop({ step: 'lighting', pass: false, code: m.lighting.code ?? 'TOO_DARK', value: round(m.lighting.value) });
  steps.push({ step: 'lighting', pass: true, value: round(m.lighting.value) });
  const d = m.distance;
  const detail = d ? `${d.source === 'exif' ? 'EXIF focal length' : 'device class'}, horizontal FOV ${d.hfovDeg.toFixed(0)}°` : undefined;
  if (!d || !d.pass) return stop({ step: 'distance', pass: false, code: d?.code ?? 'TOO_FAR', value: d ? round(d.cm) : 0, ...(detail ? { detail } : {}) });
  steps.push({ step: 'distance', pass: true, value: round(d.cm), ...(detail ? { detail } : {}) });
  return { steps };
}
