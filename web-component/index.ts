/** Public exports of the web component. */
export { LivenessCapture, defineLivenessCapture } from './element/liveness-capture.ts';
export type { CaptureState, CompleteDetail, ErrorDetail, ProgressDetail } from './element/capture-controller.ts';
export type { FlowConfig } from './element/capture-flow.ts';
export type { FaceGeometry, FrameResult, JpegFrame, PipelineFactory, PipelineOptions, PipelinePort } from './element/pipeline-port.ts';
export { EvidenceCollector } from './capture/evidence-collector.ts';
export { mountEmbed, chooseDelivery } from './embed/iframe-page.ts';
export { detectBridge, IOS_HANDLER, ANDROID_INTERFACE } from './embed/bridges.ts';
export { MESSAGE_SOURCE, type EmbedMessage } from './embed/result-message.ts';
export { createLivenessCaptureComponent, type LivenessCaptureProps, type ReactLike } from './react/index.ts';
