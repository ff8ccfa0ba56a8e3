/*
 * The durable outbox on disk: RECORDINGS_DIR/outbox/<artifactId>.venc (the sealed artifact) and
 * <artifactId>.json (what to upload). The .json is the commit point: it is written atomically
 * (tmp + fsync + rename + fsync of the folder) only after the .venc is complete and fsynced,
 * and it is deleted first when the upload is verified, so at every instant a .json names a
 * complete file, and a .venc without a .json is left-over garbage (cleaned up by the loop).
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fsyncPath, writeFileAtomic } from '../atomic-file.ts';
import { describeIssues, parseEnvelopeHeader, UploadStart, type Role } from '@vident/protocol';
import { z } from 'zod';

export const OUTBOX_DIR_NAME = 'outbox';

/** RECORDINGS_DIR/outbox (never a session folder: session ids are UUIDs). */
export function outboxDir(recordingsDir: string): string {
  return path.join(recordingsDir, OUTBOX_DIR_NAME);
}

export const OutboxEntry = z.strictObject({
  v: z.literal(1),
  upload: UploadStart,
  /** Absolute path of the sealed file (normally <outbox>/<artifactId>.venc). */
  file: z.string().min(1),
  /** The Janus recording base it was made from, so a restarted node never seals it twice. */
  recordingBase: z.string().optional(),
  createdAt: z.iso.datetime(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/** Entry path for an artifact id. */
export function entryPath(dir: string, artifactId: string): string {
  return path.join(dir, `${artifactId}.json`);
}

/** Sealed file path for an artifact id. */
export function sealedPath(dir: string, artifactId: string): string {
  return path.join(dir, `${artifactId}.venc`);
}

/** `rec-<first 8 of the session id>-<participant>-<segment>-<8 random hex>`. */
export function recordingArtifactId(sessionId: string, participant: Role, segment: number): string {
  return `rec-${sessionId.toLowerCase().replace(/[^0-9a-f]/g, '').slice(0, 8)}-${participant}-${segment}-${randomBytes(4).toString('hex')}`;
}

/** Writes an entry atomically. The sealed file it names must already be complete and fsynced. */
export async function writeOutboxEntry(dir: string, entry: OutboxEntry): Promise<string> {
  const target = entryPath(dir, entry.upload.artifactId);
  await writeFileAtomic(target, `${JSON.stringify(entry, null, 2)}\n`);
  return target;
}

/** A valid entry as found on disk. */
export interface LoadedEntry {
  entry: OutboxEntry;
  jsonPath: string;
}

/** Reads every *.json entry; unreadable or invalid ones are returned apart (with a reason), never thrown. */
export async function readOutboxEntries(dir: string): Promise<{ entries: LoadedEntry[]; invalid: Array<{ jsonPath: string; reason: string }> }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const entries: LoadedEntry[] = [];
  const invalid: Array<{ jsonPath: string; reason: string }> = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const jsonPath = path.join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(jsonPath, 'utf8'));
    } catch (err) {
      // Deleted between readdir and read (uploaded meanwhile) is not a problem.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      invalid.push({ jsonPath, reason: 'not JSON' });
      continue;
    }
    const parsed = OutboxEntry.safeParse(raw);
    if (!parsed.success) invalid.push({ jsonPath, reason: describeIssues(parsed.error) });
    else if (`${parsed.data.upload.artifactId}.json` !== name) invalid.push({ jsonPath, reason: 'file name does not match artifactId' });
    else entries.push({ entry: parsed.data, jsonPath });
  }
  entries.sort((a, b) => a.entry.createdAt.localeCompare(b.entry.createdAt) || a.jsonPath.localeCompare(b.jsonPath));
  return { entries, invalid };
}

/** Forgets an uploaded entry: the .json first (the commit point), then the sealed file. */
export async function removeOutboxEntry(loaded: LoadedEntry): Promise<void> {
  await rm(loaded.jsonPath, { force: true });
  await rm(loaded.entry.file, { force: true });
}

/**
 * Removes crash left-overs: temporary entry files, and sealed files without an entry that are
 * older than `orphanAgeMs` (a writer may be between its .venc and its .json right now).
 */
export async function removeOutboxLeftovers(dir: string, orphanAgeMs = 3_600_000, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const present = new Set(names);
  const removed: string[] = [];
  for (const name of names) {
    const isTmp = name.endsWith('.tmp');
    const isOrphan = name.endsWith('.venc') && !present.has(`${name.slice(0, -'.venc'.length)}.json`);
    if (!isTmp && !isOrphan) continue;
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (!info || now - info.mtimeMs < (isTmp ? 60_000 : orphanAgeMs)) continue;
    await rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

export interface EnqueueSealedFileOptions {
  /** RECORDINGS_DIR/outbox of the node that must upload it. */
  outboxDir: string;
  /** An already-sealed VEN1 file; copied into the outbox (the original is left alone). */
  sealedFile: string;
  artifactId: string;
  sessionId: string;
  participant: Role;
  segment: number;
  partSize: number;
  startedAt: string;
  durationMs: number;
}

/**
 * Puts an already-sealed file in an outbox as a new entry: size, SHA-256, bank key id and content
 * type are read from the file itself. A running upload loop picks it up on its next rescan.
 * (Used by the e2e suite to upload a large synthetic artifact through a live sidecar.)
 */
export async function enqueueSealedFile(opts: EnqueueSealedFileOptions): Promise<OutboxEntry> {
  await mkdir(opts.outboxDir, { recursive: true });
  const target = sealedPath(opts.outboxDir, opts.artifactId);
  await copyFile(opts.sealedFile, target);
  await fsyncPath(target);
  const { size, sha256, head } = await hashFile(target);
  const { header } = parseEnvelopeHeader(head);
  const upload = UploadStart.parse({
    artifactId: opts.artifactId,
    sessionId: opts.sessionId,
    participant: opts.participant,
    segment: opts.segment,
    contentType: header.contentType,
    size,
    sha256,
    bankKeyId: header.bankKeyId,
    partSize: opts.partSize,
    startedAt: opts.startedAt,
    durationMs: opts.durationMs,
  });
  const entry: OutboxEntry = { v: 1, upload, file: target, createdAt: new Date().toISOString() };
  await writeOutboxEntry(opts.outboxDir, entry);
  return entry;
}

/** SHA-256 and size of a file, streamed; also its first 64 KiB (where an envelope header lives). */
async function hashFile(file: string): Promise<{ size: number; sha256: string; head: Uint8Array }> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  let size = 0;
  let head: Uint8Array = new Uint8Array(0);
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
      if (bytesRead === 0) break;
      if (size === 0) head = Uint8Array.from(buffer.subarray(0, Math.min(bytesRead, 64 * 1024)));
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex'), head };
}
