/*
 * Raw recordings never linger on the node. A segment whose conversion fails (a corrupt .mjr,
 * janus-pp-rec or ffmpeg failing, no bank key yet) is tried again with backoff; once the budget is
 * spent its .mjr files are sealed to the bank key as they are, in one tar the bank can convert
 * with janus-pp-rec, and go to the outbox like any recording. With no bank key at all there is
 * nothing to seal them to and they are deleted: plaintext biometric video never waits on disk for
 * a key that may never come. segment-jobs.ts reports either outcome; the session audits it.
 */
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sleepUnlessAborted } from '../backoff.ts';
import { rawRecordingDir } from './post-process.ts';
import { allSegmentFiles, segmentPublishedAt } from './recording-files.ts';
import type { RecordingSegment } from './recording-segments.ts';
import { enqueueSegmentFile, removeSegmentSources, sealSegment, type SealSegmentOptions } from './seal-segment.ts';
import { RecordingDeferred, type ProcessedRecording, type UnconvertedRecording } from './segment-jobs.ts';

const execFileAsync = promisify(execFile);

/** The content type of a segment sealed unconverted: a tar of its .mjr files. */
export const RAW_RECORDING_CONTENT_TYPE = 'application/x-tar';

/** How often a conversion is tried, and the wait before the first retry (each next one is 4x longer). */
export interface RetryBudget {
  attempts: number;
  firstDelayMs: number;
}

export interface ProcessSegmentOptions extends SealSegmentOptions {
  retry: RetryBudget;
  /** Aborted at shutdown: a waiting retry gives up quietly and the next run takes the files up. */
  signal?: AbortSignal;
  /** Called once per segment given up (counts vident_recordings_unconverted_total). */
  onUnconverted?: (outcome: UnconvertedRecording['outcome']) => void;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepUnlessAborted(ms, signal).catch((err: unknown) => {
    throw signal?.aborted ? new RecordingDeferred('the sidecar is stopping') : err;
  });
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Converts and seals one finished segment (seal-segment.ts), retrying with backoff; once the
 * budget is spent, seals or purges its raw files. Null when Janus wrote nothing for it. Throws
 * only when even the raw files could not be sealed (they then stay for the next run).
 */
export async function processSegment(segment: RecordingSegment, opts: ProcessSegmentOptions): Promise<ProcessedRecording | null> {
  let lastError: unknown;
  for (let attempt = 0; attempt < opts.retry.attempts; attempt++) {
    if (attempt > 0) await pause(opts.retry.firstDelayMs * 4 ** (attempt - 1), opts.signal);
    try {
      return await sealSegment(segment, opts);
    } catch (err) {
      if (err instanceof RecordingDeferred) throw err;
      lastError = err;
    }
  }
  // A shutdown during the last attempt is no reason to give the files up: the next run tries again.
  if (opts.signal?.aborted) throw new RecordingDeferred('the sidecar is stopping');
  const attempts = opts.retry.attempts;
  const failure = `conversion failed ${attempts} times: ${describe(lastError)}`.slice(0, 900);
  const outcome = await sealRawSegment(segment, opts);
  if (!outcome) return null;
  opts.onUnconverted?.(outcome);
  const message = outcome === 'purged' ? `${failure}; no bank key to seal the raw files to, so they were deleted` : `${failure}; the raw .mjr files were sealed as they are`;
  return { outcome, attempts, message: message.slice(0, 1024) };
}

/**
 * Seals every .mjr of a segment, as they are, into one outbox entry (a tar), or deletes them when
 * there is no bank key. Null when there are none.
 */
export async function sealRawSegment(segment: RecordingSegment, opts: SealSegmentOptions): Promise<UnconvertedRecording['outcome'] | null> {
  const rawDir = rawRecordingDir(opts.recordingsDir, segment.sessionId);
  const names = allSegmentFiles(await readdir(rawDir).catch(() => [] as string[]), segment.base);
  if (names.length === 0) return null;
  if (!opts.bankKey()) {
    await removeSegmentSources(rawDir, segment.base);
    return 'purged';
  }
  const tar = path.join(rawDir, `${segment.base}.raw.tar`);
  try {
    await execFileAsync('tar', ['--create', '--numeric-owner', '--file', tar, '--directory', rawDir, '--', ...names.sort()], { timeout: opts.toolTimeoutMs ?? 120_000 });
  } catch (err) {
    await rm(tar, { force: true });
    throw new Error(`tar of the raw files failed: ${describe(err)}`.slice(0, 900));
  }
  const startedAt = segmentPublishedAt(segment.base) ?? new Date().toISOString();
  await enqueueSegmentFile(segment, { file: tar, contentType: RAW_RECORDING_CONTENT_TYPE, startedAt, durationMs: 0 }, opts);
  return 'sealed-raw';
}
