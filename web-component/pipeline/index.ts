/** Public surface of the on-device vision pipeline (for the <liveness-capture> element and pages). */
export { VisionPipeline, type VisionPipelineOptions, type PipelineStats } from './vision-pipeline.ts';
export type { FrameResult, FrameChecks, FrameMeta, FrameStats, FaceGeometry, JpegFrame, Timings, PatchStats } from './types.ts';
export { DEFAULT_CONFIG, resolveConfig, type VisionConfig, type ConfigOverride, type DeviceClass } from '../config.ts';
