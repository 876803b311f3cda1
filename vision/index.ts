/**
 * Runtime-agnostic face vision: detectors as factories taking one options object (MediaPipe-task
 * style), plain data out. Works in a browser Web Worker and in Node, both on the tfjs wasm backend.
 * Node callers also import `./load-node.ts` (fs-based model loader); browsers use `./load-url.ts`.
 */
export * from './types.ts';
export { initTf, tf, type TfInitOptions } from './tf.ts';
export { urlModelSource } from './load-url.ts';
export { createBlazeFace, type BlazeFaceOptions } from './blazeface.ts';
export { createFaceMesh, type FaceMeshOptions } from './facemesh.ts';
export { createIris, EYE_CORNERS, type IrisOptions, type IrisDetector, type IrisResult, type EyeResult } from './iris.ts';
export { createCenterNet, type CenterNetOptions } from './centernet.ts';
export { createAntiSpoof, type AntiSpoof, type AntiSpoofOptions } from './antispoof.ts';
export { COCO_LABELS, SCREEN_LABELS } from './coco.ts';
export { imageTensor, releaseImageTensor, cropResize, squareBox, letterboxBox } from './image.ts';
