/**
 * The fake camera's "move closer" step for a clip of a real person: the clip's frames at the still
 * distance, then the person coming closer, each frame re-projected by pad/recipes/approach.ts from
 * its own FaceMesh landmarks (the head grows by its depth, the wall behind far less), instead of
 * ffmpeg's digital zoom of the whole frame, which is exactly what a flat picture brought closer
 * looks like. Attack clips keep the zoom: a screen or a print comes closer as one plane.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { FaceLandmarks } from '../../vision/types.ts';
import { approachWarp } from '../recipes/approach.ts';
import type { Rgb } from '../recipes/raster.ts';

export interface ApproachCameraOptions {
  width: number;
  height: number;
  /** frames at the still distance before the approach starts */
  restFrames: number;
  /** face growth per frame once the approach starts, and its final value */
  gainPerFrame: number;
  maxGain: number;
  landmarks: (img: Rgb) => Promise<FaceLandmarks | null>;
  /** frames written in all (default: every frame of `src`) */
  frames?: number;
}

export interface ApproachStartOptions {
  /** earliest start (frames): the passive checks need a few seconds first */
  min: number;
  /** the start when the clip looks at the camera everywhere (frames) */
  preferred: number;
  /** frames the approach and the hold after it take */
  window: number;
}

/**
 * Where the fake camera's "move closer" step starts in a clip of a real person. A recorded clip
 * cannot follow the element's guidance: a person asked to come closer keeps looking at the camera,
 * the clip may be turning its head at that moment. `frontal[i]` is whether frame i is within the
 * device's pose limits (null: not measured); the start is the one, at or after `min`, whose window
 * holds the most frontal frames, the nearest to `preferred` among equals. Returns `preferred` when
 * the clip is too short for any other.
 */
export function chooseApproachStart(frontal: readonly (boolean | null)[], o: ApproachStartOptions): number {
  let best = o.preferred;
  let bestScore = -1;
  for (let s = o.min; s + o.window <= frontal.length; s++) {
    let score = 0;
    for (let i = s; i < s + o.window; i++) if (frontal[i]) score++;
    if (score > bestScore || (score === bestScore && Math.abs(s - o.preferred) < Math.abs(best - o.preferred))) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Reads `src` (any video ffmpeg reads, already at width×height and the camera's length) and writes
 * `out` as y4m with the approach applied. Frames where no face is found reuse the last landmarks.
 */
export async function writeApproachY4m(src: string, out: string, o: ApproachCameraOptions): Promise<void> {
  const size = o.width * o.height * 3;
  const dec = spawn('/usr/bin/ffmpeg', ['-v', 'error', '-i', src, ...(o.frames ? ['-frames:v', String(o.frames)] : []), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const enc = spawn('/usr/bin/ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', '25', '-i', '-', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const encoded = once(enc, 'close');
  let pending = Buffer.alloc(0);
  let index = 0;
  let last: FaceLandmarks | null = null;
  for await (const chunk of dec.stdout as AsyncIterable<Buffer>) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= size) {
      const frame: Rgb = { data: new Uint8Array(pending.subarray(0, size)), width: o.width, height: o.height, channels: 3 };
      pending = pending.subarray(size);
      const gain = index < o.restFrames ? 1 : Math.min(o.maxGain, 1 + (index - o.restFrames) * o.gainPerFrame);
      let outFrame = frame;
      if (gain > 1) {
        last = (await o.landmarks(frame)) ?? last;
        if (last) outFrame = approachWarp(frame, last, { gain });
      }
      if (!enc.stdin.write(Buffer.from(outFrame.data.buffer, outFrame.data.byteOffset, outFrame.data.length))) await once(enc.stdin, 'drain');
      index++;
    }
  }
  enc.stdin.end();
  const [code] = (await encoded) as [number];
  if (code !== 0) throw new Error(`ffmpeg (y4m encode) exited ${code}`);
  if (index === 0) throw new Error(`no frames decoded from ${src}`);
}
