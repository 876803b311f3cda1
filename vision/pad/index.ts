/** Presentation-attack detection: pure signals, their fusion, and padFromFrames over evidence frames. */
export { padDecide, padFromFrames, padSignals, PAD_WEIGHTS, PAD_SINGLE_WEIGHTS, type PadFrame, type PadOptions, type PadResult, type PadSignals } from './evidence.ts';
export { extractFeatures, type ExtractedFeatures, type FeatureOptions } from './features.ts';
export { fuse, calibrate, FEATURE_NAMES, FEATURE_REASON, type FeatureName, type Features, type FeatureModel, type PadWeights, type FusionResult, type RiskInputs } from './fusion.ts';
export { fitHomography, planarResidual, transferRms, interOcular, project } from './homography.ts';
export { approachGeometry, type ApproachGeometry } from './approach-geometry.ts';
export { eyeAspectRatio, blinkStats, type BlinkStats } from './blink.ts';
export { nonRigidMotion, nonRigidResidual } from './nonrigid-motion.ts';
export { frozenStats, thumbnail, type FrozenStats } from './frozen-frames.ts';
export { moirePeakiness, moireFromSpectrum } from './moire.ts';
export { powerSpectrum } from './fft.ts';
export { highFreqRatio, highFreqFromSpectrum, laplacianSharpness } from './sharpness.ts';
export { glareFraction } from './glare.ts';
export { chromaStats, type ChromaStats } from './chroma.ts';
export { straightEdges, type EdgeStats } from './edges.ts';
export { screenOverlap, SCREEN_CLASSES } from './objects.ts';
export { cameraRisk, CAMERA_PENALTY, type CameraRiskInput } from './camera.ts';
