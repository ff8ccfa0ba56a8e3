/*
 * A fake camera clip for Chromium's --use-file-for-fake-video-capture that carries a frame counter
 * (frame-counter.ts) in its top band: 1280x720 at 30 fps, made at run time into a temporary folder
 * (never committed). Under the band, a slow pan across @vladmandic/human's sample portraits with
 * a little sensor noise: faces and moving detail for the encoder, as a handheld phone gives.
 * MJPEG by default (Chromium plays .mjpeg at 30 fps; ~20x smaller than the raw .y4m, which it
 * plays at the header's rate). One ffmpeg makes the picture, this module stamps the counter into
 * each raw frame, a second ffmpeg writes the clip.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BAND_HEIGHT, COUNTER_FRAME, COUNTER_MODULUS, stampCounter } from './frame-counter.ts';

export const COUNTER_CAMERA_FPS = 30;
/** The clip loops after this many seconds (the counter's period). */
export const COUNTER_CAMERA_SECONDS = 10;

const PORTRAITS = resolve(import.meta.dirname, '..', '..', 'node_modules', '@vladmandic', 'human', 'assets', 'samples.jpg');

export interface CounterCamera {
  file: string;
  fps: number;
  frames: number;
  /** ms after which the counter repeats. */
  periodMs: number;
}

/** Writes the clip into `dir` (counter-camera.mjpeg or .y4m) and says what it holds. */
export async function makeCounterCamera(dir: string, format: 'mjpeg' | 'y4m' = 'mjpeg'): Promise<CounterCamera> {
  if (!existsSync(PORTRAITS)) throw new Error(`${PORTRAITS} is missing (installed with the web workspace's @vladmandic/human)`);
  const { width, height } = COUNTER_FRAME;
  const frames = COUNTER_CAMERA_FPS * COUNTER_CAMERA_SECONDS;
  if (frames > COUNTER_MODULUS) throw new Error('the clip is longer than the counter');
  const file = join(dir, `counter-camera.${format}`);
  const seconds = COUNTER_CAMERA_SECONDS;
  // Scaled past the frame, then a window moving on a closed path (the loop has no jump).
  const pan = `crop=${width}:${height}:x='(iw-${width})/2*(1+sin(2*PI*t/${seconds}))':y='(ih-${height})/2*(1+sin(4*PI*t/${seconds}))'`;
  const picture = spawn(
    'ffmpeg',
    ['-v', 'error', '-loop', '1', '-framerate', String(COUNTER_CAMERA_FPS), '-i', PORTRAITS, '-vf', `scale=1600:-2,${pan},noise=alls=4:allf=t,format=yuv420p`, '-frames:v', String(frames), '-f', 'rawvideo', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = format === 'mjpeg' ? ['-c:v', 'mjpeg', '-q:v', '4', '-f', 'mjpeg'] : ['-f', 'yuv4mpegpipe'];
  const clip = spawn(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(COUNTER_CAMERA_FPS), '-i', 'pipe:0', ...output, file],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const errors: string[] = [];
  picture.stderr.on('data', (d: Buffer) => errors.push(d.toString()));
  clip.stderr.on('data', (d: Buffer) => errors.push(d.toString()));
  const exited = (p: typeof picture | typeof clip, name: string) =>
    new Promise<void>((ok, fail) => {
      p.once('error', fail);
      p.once('close', (code) => (code === 0 ? ok() : fail(new Error(`${name} ffmpeg exited ${code}: ${errors.join('').trim()}`))));
    });
  const done = Promise.all([exited(picture, 'picture'), exited(clip, 'clip')]);

  const lumaSize = width * height;
  const frameSize = lumaSize * 1.5;
  const chromaBand = (width / 2) * (BAND_HEIGHT / 2);
  let pending: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of picture.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= frameSize) {
      const frame = Buffer.from(pending.subarray(0, frameSize));
      pending = pending.subarray(frameSize);
      stampCounter(frame.subarray(0, lumaSize), width, n++);
      // The band without colour: U and V at neutral grey.
      frame.fill(128, lumaSize, lumaSize + chromaBand);
      frame.fill(128, lumaSize * 1.25, lumaSize * 1.25 + chromaBand);
      if (!clip.stdin.write(frame)) await new Promise((r) => clip.stdin.once('drain', r));
    }
  }
  clip.stdin.end();
  await done;
  if (n !== frames) throw new Error(`the clip has ${n} frames, not ${frames}`);
  return { file, fps: COUNTER_CAMERA_FPS, frames, periodMs: (frames / COUNTER_CAMERA_FPS) * 1000 };
}
