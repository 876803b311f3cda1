/**
 * How far each clip's head turns, as the element's turn step reads it: `npx tsx pad/clip-yaw.ts
 * CLIP...` prints, per clip, the largest yaw towards the person's own left (> 0) and right (< 0)
 * over every 5th frame (the device's FaceMesh in Node, `meshPose`), and whether a recording of it
 * replayed could answer a head-turn challenge to either side (|yaw| ≥ the element's turnMinDeg).
 * Diagnosis only: no threshold is chosen from it.
 */
import path from 'node:path';
import { DEFAULT_FLOW_CONFIG } from '../web-component/element/capture-flow.ts';
import { sampledPoses, videoSize } from './eval/videos.ts';
import { createNodeLandmarker } from './landmarks.ts';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: npx tsx pad/clip-yaw.ts CLIP...');
  process.exit(2);
}
const lm = await createNodeLandmarker();
const need = DEFAULT_FLOW_CONFIG.turnMinDeg;
console.log(`| clip | frames read | no face | max left (°) | max right (°) | left ≥ ${need}° | right ≥ ${need}° |`);
console.log('|---|---|---|---|---|---|---|');
for (const f of files) {
  const { width, height } = videoSize(f);
  const poses = await sampledPoses(f, width, height, lm, 5);
  const yaws = poses.filter((p) => p !== null).map((p) => p.yawDeg);
  const left = Math.max(0, ...yaws);
  const right = Math.max(0, ...yaws.map((y) => -y));
  console.log(`| ${path.basename(path.dirname(f))}/${path.basename(f)} | ${poses.length} | ${poses.length - yaws.length} | ${left.toFixed(0)} | ${right.toFixed(0)} | ${left >= need ? 'yes' : 'no'} | ${right >= need ? 'yes' : 'no'} |`);
}
lm.dispose();
