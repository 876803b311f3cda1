/**
 * Renders one sample of every attack recipe (passive 'best' and approach 'near' frames) as PNGs
 * for eyeballing: `npx tsx pad/render-recipes.ts OUT_DIR`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeClip, decodeImage, FIXTURES } from './fixtures.ts';
import { phoneInFrameAttack, printAttack, screenAttack, stillCameraAttack, videoReplayAttack } from './recipes/index.ts';

const out = process.argv[2] ?? 'pad-recipes-out';
mkdirSync(out, { recursive: true });
const photo = await decodeImage(path.join(FIXTURES, 'faces/deepface/img1.jpg'));
const clip = await decodeClip(path.join(FIXTURES, 'video/live/d3.mp4'), { max: 100 });
const sets = { print: printAttack(photo, 1), screen: screenAttack(photo, 2), phone: phoneInFrameAttack(photo, 3), still: stillCameraAttack(photo, 4), video: videoReplayAttack(clip, 5) };
for (const [k, fr] of Object.entries(sets))
  for (const i of [4, 9]) {
    const f = fr[i].image;
    await sharp(Buffer.from(f.data), { raw: { width: f.width, height: f.height, channels: 3 } }).png().toFile(path.join(out, `${k}-${fr[i].role}.png`));
  }
console.log(`wrote ${out}`);
