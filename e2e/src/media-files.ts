import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedFile {
  durationSec: number;
  streams: { type: string; codec: string; width: number | null; height: number | null }[];
}

/** ffprobe's view of a media file: container duration and streams. */
export async function probe(file: string): Promise<ProbedFile> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], {
    timeout: 30_000,
  });
  const json = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  return {
    durationSec: Number(json.format?.duration ?? NaN),
    streams: (json.streams ?? []).map((s) => ({ type: s.codec_type, codec: s.codec_name, width: s.width ?? null, height: s.height ?? null })),
  };
}

/** Decodes every frame of the file's video stream and counts them (proves it is playable, not just present). */
export async function countDecodedVideoFrames(file: string): Promise<number> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file],
    { timeout: 60_000 },
  );
  return Number(stdout.trim());
}
