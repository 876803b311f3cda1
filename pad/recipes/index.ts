/** Synthesized presentation attacks (deterministic recipes over frame sequences). */
export { printAttack, printTexture } from './print.ts';
export { screenAttack, videoReplayAttack, screenTexture, randomLook, type ScreenLook } from './screen.ts';
export { phoneInFrameAttack } from './phone.ts';
export { stillCameraAttack } from './still.ts';
export { SCHEDULE, CANVAS, handHeld, handPose, zoomProfile, type RecipeFrame, type Role } from './schedule.ts';
export { scene } from './scene.ts';
export { rng } from './rng.ts';
export { bonaFideWindow, digitalZoom, pingPong, windowStarts, WINDOW_FRAMES, type Approach } from './bona-fide.ts';
export { approachModel, approachWarp, physicalApproach } from './approach.ts';
