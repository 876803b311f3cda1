import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFMPEG, requireSystemTools } from './system.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared/fixtures beside the repository (override with FIXTURES_DIR). */
export const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(ROOT, '..', 'shared', 'fixtures');

export function fixture(rel: string): string {
  const p = path.join(FIXTURES, rel);
  if (!existsSync(p)) throw new Error(`fixture missing: ${p} (../shared/fixtures must sit beside the repository)`);
  return p;
}

let tmp: string | undefined;
/** One temp dir per test process for derived clips (y4m are raw and large: keep them short). */
export function workDir(): string {
  tmp ??= mkdtempSync(path.join(tmpdir(), 'lk-e2e-'));
  return tmp;
}

export interface Y4mOptions {
  /** seconds to keep from the start (default 3) */
  seconds?: number;
  /** ffmpeg -vf filter chain applied before the format conversion */
  filter?: string;
  /** output size (default: source size) e.g. "480:480" */
  size?: string;
  fps?: number;
  /** extra inputs for filter_complex style compositing: ffmpeg args inserted after the main input */
  extraInputs?: string[];
  /** a full -filter_complex graph (uses [0:v], [1:v], … and must output [out]) */
  filterComplex?: string;
  /** when the source is a still image: loop it for `seconds` */
  still?: boolean;
  /**
   * when the source clip is shorter than `seconds`: play it forward, backward, forward … (no cut
   * where it would restart) until `seconds` are filled, before `filter` is applied
   */
  pingPong?: boolean;
}

/**
 * Converts a fixture (video or still image) into a y4m file for Chromium's fake camera.
 * Returns the y4m path; results are cached per (source, options) in the temp dir.
 */
export function makeY4m(src: string, name: string, o: Y4mOptions = {}): string {
  requireSystemTools();
  const out = path.join(workDir(), `${name}.y4m`);
  if (existsSync(out)) return out;
  const seconds = o.seconds ?? 3;
  const fps = o.fps ?? 25;
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  if (o.still) args.push('-loop', '1', '-framerate', String(fps));
  if (o.pingPong) args.push('-stream_loop', '-1', '-i', pingPongOf(src, name));
  else args.push('-i', src);
  args.push(...(o.extraInputs ?? []));
  args.push('-t', String(seconds));
  const vf = [o.filter, o.size ? `scale=${o.size}` : undefined, `fps=${fps}`].filter(Boolean).join(',');
  if (o.filterComplex) args.push('-filter_complex', `${o.filterComplex};[out]${vf}[v]`, '-map', '[v]');
  else args.push('-vf', vf);
  args.push('-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', out);
  execFileSync(FFMPEG, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

export interface Y4mFrameStats {
  width: number;
  height: number;
  frames: number;
  /** mean of the Y (luma) plane per frame, 0–255 */
  lumaMeans: number[];
}

/** Parses a y4m file (4:2:0) and returns per-frame mean luma; used to check what the browser reads. */
export function y4mStats(file: string): Y4mFrameStats {
  const buf = readFileSync(file);
  const headerEnd = buf.indexOf(0x0a);
  const header = buf.subarray(0, headerEnd).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)?.[1]);
  const height = Number(/ H(\d+)/.exec(header)?.[1]);
  const frameBytes = (width * height * 3) / 2;
  const lumaMeans: number[] = [];
  let off = headerEnd + 1;
  while (off < buf.length) {
    const fh = buf.indexOf(0x0a, off);
    if (fh < 0) break;
    const start = fh + 1;
    if (start + frameBytes > buf.length) break;
    let sum = 0;
    for (let i = start; i < start + width * height; i++) sum += buf[i];
    lumaMeans.push(sum / (width * height));
    off = start + frameBytes;
  }
  return { width, height, frames: lumaMeans.length, lumaMeans };
}

/** The clip followed by itself reversed (lossless FFV1), so that looping it has no cut. */
function pingPongOf(src: string, name: string): string {
  const out = path.join(workDir(), `${name}.pingpong.mkv`);
  if (!existsSync(out)) {
    const graph = '[0:v]split[a][b];[b]reverse,trim=start_frame=1[r];[a][r]concat=n=2:v=1:a=0[v]';
    execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-filter_complex', graph, '-map', '[v]', '-an', '-c:v', 'ffv1', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return out;
}

/**
 * The "move closer" step on a 480×480 clip: 3.6 s at the still distance, then a 1.5 s zoom to
 * 1.45×, held (the fake camera loops the clip). Append it to a filter chain.
 */
/**
 * Clip length to use with APPROACH_ZOOM: the zoom is held from 5.1 s to the end, so a `near` frame
 * grabbed late on a loaded machine still shows it before the fake camera loops back to 1×.
 */
export const APPROACH_SECONDS = 8;
export const APPROACH_ZOOM =
  "zoompan=z='if(lt(on\\,90)\\,1\\,min(1+(on-90)*0.012\\,1.45))':d=1:s=480x480:fps=25:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'";
