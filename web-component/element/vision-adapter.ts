/**
 * Adapts the vision pipeline (web-component/pipeline, issue 3) to the element's PipelinePort.
 * Imported lazily by the element, so workers, tfjs and models stay out of the element bundle.
 */
import { VisionPipeline } from '../pipeline/vision-pipeline.ts';
import type { FrameResult as VisionFrame } from '../pipeline/types.ts';
import type { FrameResult, PipelineOptions, PipelinePort } from './pipeline-port.ts';

/**
 * 0–1 frame quality for picking the `best` evidence frame: detector confidence, frontal pose and a
 * face exposure near mid-grey (sharpness is not measured by the pipeline yet).
 */
export function frameQuality(r: VisionFrame): number {
  const score = r.detections[0]?.score ?? 0;
  const g = r.geometry;
  const pose = g ? Math.max(0, 1 - Math.max(Math.abs(g.yawDeg), Math.abs(g.pitchDeg)) / 45) : 0;
  const exposure = Math.max(0, 1 - Math.abs(r.stats.faceLuma - 128) / 128);
  return score * pose * exposure;
}

export function toFrameResult(r: VisionFrame): FrameResult {
  return {
    t: r.t,
    faces: r.faces,
    checks: r.checks,
    ...(r.geometry ? { geometry: r.geometry } : {}),
    quality: frameQuality(r),
    ...(r.camera ? { camera: r.camera } : {}),
  };
}

export async function createVisionPipeline(o: PipelineOptions): Promise<PipelinePort> {
  const p = new VisionPipeline({ modelBase: o.modelBase, wasmBase: o.wasmBase, workerBase: o.workerBase, config: o.config });
  // load workers and models now: the camera permission prompt and the model download overlap
  void p.init().catch(() => undefined);
  return {
    start: (video, track) => p.start(video, track),
    stop: () => p.stop(),
    dispose: () => p.dispose(),
    loaded: () => p.loaded(),
    onResult: (cb) => p.onResult((r) => cb(toFrameResult(r))),
    captureJpeg: (q) => p.captureJpeg(q),
    pad: (f) => p.pad(f),
  };
}
