/*
 * Turns one recording segment (the .mjr per stream Janus wrote for one publish) into one
 * playable webm: janus-pp-rec video -> .webm (VP8) and audio -> .opus (webm audio must not come
 * from pp-rec), then ffmpeg muxes them with `-c copy` (no re-encode), and ffprobe reads the
 * duration. Janus records only what it relays: a stream turned off by `configure` has a hole
 * (kept by janus-pp-rec), one turned on late starts late (re-aligned here from the .mjr
 * headers), and one never turned on has no packets at all (left out of the file).
 * External tools run with execFile (no shell) and a time bound.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { firstPacketAt, segmentFiles, segmentStartedAt, streamOffsets } from './recording-files.ts';

const execFileAsync = promisify(execFile);

/** A segment converted to one webm (plaintext: the caller seals it and deletes it). */
export interface ConvertedSegment {
  /** The muxed webm, in the raw folder next to the .mjr files. */
  webm: string;
  /** Wall-clock time of the segment's first media packet (ISO 8601 with ms). */
  startedAt: string;
  durationMs: number;
}

export interface PostProcessOptions {
  /** The room's rec_dir (RECORDINGS_DIR/<sessionId>/raw). */
  rawDir: string;
  /** The segment's recording base name (see recording-files.ts). */
  base: string;
  /** Per external tool run (default 120 s). */
  toolTimeoutMs?: number;
  /** How long to wait for Janus to finish writing the .mjr files (default 8 s). */
  settleTimeoutMs?: number;
}

/** Where Janus writes a session's raw .mjr files. */
export function rawRecordingDir(recordingsDir: string, sessionId: string): string {
  return path.join(recordingsDir, sessionId, 'raw');
}

/**
 * Creates a session's raw folder for Janus to record into. On a node Janus runs as another user
 * sharing only the group of RECORDINGS_DIR (setgid, so the group carries down): the session folder
 * lets the group through, the raw folder lets it write, whatever the sidecar's umask (0077).
 */
export async function ensureRawRecordingDir(recordingsDir: string, sessionId: string): Promise<string> {
  const raw = rawRecordingDir(recordingsDir, sessionId);
  await mkdir(raw, { recursive: true });
  await chmod(path.dirname(raw), 0o2710);
  await chmod(raw, 0o2770);
  return raw;
}

async function tool(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').slice(-2).join(' ');
    throw new Error(`${cmd} failed: ${stderr || (err as Error).message}`.slice(0, 900));
  }
}

/**
 * Janus closes a publisher's recorders when it hangs up; there is no event for it on the
 * plugin API, so wait until the files stop growing.
 */
async function waitUntilSettled(files: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let stableRounds = 0;
  while (Date.now() < deadline) {
    const sizes = (await Promise.all(files.map((f) => stat(f).then((s) => s.size)))).join(',');
    stableRounds = sizes === previous ? stableRounds + 1 : 0;
    if (stableRounds >= 2) return;
    previous = sizes;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Duration in ms of a media file, read by ffprobe. */
export async function probeDurationMs(file: string, timeoutMs = 60_000): Promise<number> {
  const probed = await tool(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
    timeoutMs,
  );
  const seconds = Number.parseFloat(probed.trim());
  if (!Number.isFinite(seconds)) throw new Error('ffprobe could not read the recording duration');
  return Math.round(seconds * 1000);
}

/**
 * Converts and muxes one segment. Returns null when Janus wrote no file for it (the publisher
 * never got media up, e.g. ICE failed before a reload); throws with a readable message when
 * the files exist but cannot be made into a recording.
 */
export async function postProcessSegment(opts: PostProcessOptions): Promise<ConvertedSegment | null> {
  const timeout = opts.toolTimeoutMs ?? 120_000;
  const names = await readdir(opts.rawDir).catch(() => [] as string[]);
  const set = segmentFiles(names, opts.base);
  if (!set.audio && !set.video) return null;

  const streams: Array<{ kind: 'video' | 'audio'; mjr: string; out: string }> = [];
  const stem = path.join(opts.rawDir, opts.base);
  if (set.video) streams.push({ kind: 'video', mjr: path.join(opts.rawDir, set.video), out: `${stem}.video.webm` });
  if (set.audio) streams.push({ kind: 'audio', mjr: path.join(opts.rawDir, set.audio), out: `${stem}.audio.opus` });
  await waitUntilSettled(streams.map((s) => s.mjr), opts.settleTimeoutMs ?? 8_000);

  const firstPackets: Partial<Record<'video' | 'audio', number>> = {};
  for (const stream of streams) {
    // A header-less .mjr makes janus-pp-rec fail: that stream never carried media.
    const header = await tool('janus-pp-rec', ['-j', stream.mjr], timeout).catch(() => '');
    const at = firstPacketAt(header);
    if (at !== undefined) firstPackets[stream.kind] = at;
  }
  const recorded = streams.filter((s) => firstPackets[s.kind] !== undefined);
  // Header-less files only: Janus opened the recorders but no packet ever came (ICE never
  // connected, or audio and video were off throughout). Nothing to record, like no files at all.
  if (recorded.length === 0) return null;
  const offsets = streamOffsets(firstPackets as Record<'video' | 'audio', number>);

  const webm = `${stem}.webm`;
  const ffmpegArgs = ['-hide_banner', '-loglevel', 'error', '-y'];
  try {
    for (const stream of recorded) {
      await tool('janus-pp-rec', [stream.mjr, stream.out], timeout);
      const offset = offsets[stream.kind];
      if (offset > 0) ffmpegArgs.push('-itsoffset', offset.toFixed(6));
      ffmpegArgs.push('-i', stream.out);
    }
    recorded.forEach((_, i) => ffmpegArgs.push('-map', String(i)));
    ffmpegArgs.push('-c', 'copy', webm);
    await tool('ffmpeg', ffmpegArgs, timeout);
  } finally {
    await Promise.all(recorded.map((s) => rm(s.out, { force: true })));
  }
  return {
    webm,
    startedAt: segmentStartedAt(Object.values(firstPackets)),
    durationMs: await probeDurationMs(webm, timeout),
  };
}
