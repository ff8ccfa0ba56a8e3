/*
 * From a finished recording segment to a durable outbox entry:
 *   .mjr files -> webm (post-process.ts) -> sealed with the bank's public key into
 *   outbox/<artifactId>.venc (hashed while written, fsynced) -> outbox/<artifactId>.json (atomic)
 *   -> only then the plaintext webm and the segment's .mjr files are deleted.
 * Without a bank key nothing is sealed and the .mjr files stay for a retry: plaintext is never
 * uploaded (unconverted-segment.ts decides what becomes of them once the retries are spent).
 * A crash before the .json leaves the .mjr files (processed again by segment-recovery.ts);
 * a crash after it leaves an entry that names its recording base, so recovery only deletes them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BankPublicKey } from '@vident/protocol';
import { sealFile } from '../evidence/seal-file.ts';
import { entryPath, outboxDir, recordingArtifactId, sealedPath, writeOutboxEntry, type OutboxEntry } from '../evidence/outbox-entry.ts';
import { postProcessSegment, rawRecordingDir, type ConvertedSegment } from './post-process.ts';
import { allSegmentFiles, segmentFiles } from './recording-files.ts';
import type { RecordingSegment } from './recording-segments.ts';
import type { ConvertedRecording } from './segment-jobs.ts';

export const RECORDING_CONTENT_TYPE = 'video/webm';

/** What this module and post-process.ts write next to a segment's .mjr files (all plaintext). */
const SEGMENT_PLAINTEXT_SUFFIXES = ['.webm', '.video.webm', '.audio.opus', '.raw.tar'];

export interface SealSegmentOptions {
  recordingsDir: string;
  /** UPLOAD_PART_SIZE: declared in the entry's UploadStart. */
  partSize: number;
  /** The bank key from the latest registration answer; null when the control plane has none. */
  bankKey: () => BankPublicKey | null;
  /** Called once the entry is durable (wakes the upload loop). */
  onEntry?: (entry: OutboxEntry) => void;
  toolTimeoutMs?: number;
  settleTimeoutMs?: number;
}

/** What sealing produced: the event payload plus the outbox entry. */
export interface SealedSegment extends ConvertedRecording {
  entry: OutboxEntry;
}

/** Processes one finished segment. Null when Janus wrote no file for it; throws with a readable message on failure. */
export async function sealSegment(segment: RecordingSegment, opts: SealSegmentOptions): Promise<SealedSegment | null> {
  const rawDir = rawRecordingDir(opts.recordingsDir, segment.sessionId);
  const listing = await readdir(rawDir).catch(() => [] as string[]);
  const files = segmentFiles(listing, segment.base);
  if (!files.audio && !files.video) return null;
  requireBankKey(opts);
  const converted = await postProcessSegment({
    rawDir,
    base: segment.base,
    toolTimeoutMs: opts.toolTimeoutMs,
    settleTimeoutMs: opts.settleTimeoutMs,
  });
  if (!converted) {
    // Header-less files only: Janus opened the recorders but no packet was ever written.
    await removeSegmentSources(rawDir, segment.base);
    return null;
  }
  return enqueueConvertedSegment(segment, converted, opts);
}

function requireBankKey(opts: SealSegmentOptions): BankPublicKey {
  const bank = opts.bankKey();
  if (!bank) throw new Error('no bank public key is configured on the control plane: the recording stays unsealed on the media node');
  return bank;
}

/** Seals an already converted segment into the outbox, then deletes its plaintext and .mjr files. */
export async function enqueueConvertedSegment(segment: RecordingSegment, converted: ConvertedSegment, opts: SealSegmentOptions): Promise<SealedSegment> {
  return enqueueSegmentFile(segment, { file: converted.webm, contentType: RECORDING_CONTENT_TYPE, startedAt: converted.startedAt, durationMs: converted.durationMs }, opts);
}

/** A plaintext file made from one segment's .mjr files, to be sealed as that segment's recording. */
export interface SegmentPlaintext {
  /** In the raw folder; deleted whatever happens. */
  file: string;
  contentType: string;
  startedAt: string;
  durationMs: number;
}

/**
 * Seals one plaintext file of a segment (the converted webm, or the raw files' tar) into a durable
 * outbox entry, then deletes it and every .mjr of the segment.
 */
export async function enqueueSegmentFile(segment: RecordingSegment, plain: SegmentPlaintext, opts: SealSegmentOptions): Promise<SealedSegment> {
  const rawDir = rawRecordingDir(opts.recordingsDir, segment.sessionId);
  const dir = outboxDir(opts.recordingsDir);
  // The outbox holds only sealed bytes, yet is the sidecar's alone (Janus shares RECORDINGS_DIR).
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const artifactId = recordingArtifactId(segment.sessionId, segment.participant, segment.segment);
  const file = sealedPath(dir, artifactId);
  let entry: OutboxEntry;
  try {
    const bank = requireBankKey(opts);
    const sealed = await sealFile({ input: plain.file, output: file, bank, contentType: plain.contentType });
    entry = {
      v: 1,
      upload: {
        artifactId,
        sessionId: segment.sessionId,
        participant: segment.participant,
        segment: segment.segment,
        contentType: plain.contentType,
        size: sealed.size,
        sha256: sealed.sha256,
        bankKeyId: sealed.bankKeyId,
        partSize: opts.partSize,
        startedAt: plain.startedAt,
        durationMs: plain.durationMs,
      },
      file,
      recordingBase: segment.base,
      createdAt: new Date().toISOString(),
    };
    await writeOutboxEntry(dir, entry);
  } catch (err) {
    // No entry was written: the .mjr files stay for a retry, the half-written sealed file goes.
    if (!existsSync(entryPath(dir, artifactId))) await rm(file, { force: true });
    await rm(plain.file, { force: true });
    throw err;
  }
  await removeSegmentSources(rawDir, segment.base, plain.file);
  opts.onEntry?.(entry);
  return { file, durationMs: entry.upload.durationMs, bytes: entry.upload.size, entry };
}

/**
 * Deletes every .mjr of one segment and the plaintext made from them (the webm, the raw tar, the
 * streams janus-pp-rec wrote): they are sealed in the outbox now, or given up.
 */
export async function removeSegmentSources(rawDir: string, base: string, plaintext?: string): Promise<void> {
  const listing = await readdir(rawDir).catch(() => [] as string[]);
  const doomed = allSegmentFiles(listing, base).map((name) => path.join(rawDir, name));
  doomed.push(...SEGMENT_PLAINTEXT_SUFFIXES.map((suffix) => path.join(rawDir, `${base}${suffix}`)));
  if (plaintext) doomed.push(plaintext);
  await Promise.all(doomed.map((f) => rm(f, { force: true })));
}
