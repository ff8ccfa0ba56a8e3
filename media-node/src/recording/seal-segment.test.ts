import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, openBytes, UploadStart } from '@vident/protocol';
import { sha256, testBankKey } from '../../test/support/bank-key.ts';
import { outboxDir, readOutboxEntries, type OutboxEntry } from '../evidence/outbox-entry.ts';
import { rawRecordingDir } from './post-process.ts';
import { segmentBase } from './recording-files.ts';
import type { RecordingSegment } from './recording-segments.ts';
import { enqueueConvertedSegment, sealSegment } from './seal-segment.ts';
import { findLeftoverSegments } from './segment-recovery.ts';

const { bank, privateKey } = await testBankKey();

let recordingsDir: string;
const sessionId = randomUUID();
const seg1: RecordingSegment = { sessionId, participant: 'customer', segment: 1, base: segmentBase('customer', 1, 1_795_469_921_194) };
const seg2: RecordingSegment = { sessionId, participant: 'customer', segment: 2, base: segmentBase('customer', 2, 1_795_469_981_000) };

beforeEach(async () => {
  recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'vident-segments-'));
  await mkdir(rawRecordingDir(recordingsDir, sessionId), { recursive: true });
});
afterEach(() => rm(recordingsDir, { recursive: true, force: true }));

/** Stand-ins for Janus's .mjr files: only their names matter before post-processing. */
async function placeMjr(segment: RecordingSegment): Promise<string[]> {
  const names = [`${segment.base}-audio-0.mjr`, `${segment.base}-video-1.mjr`];
  for (const name of names) await writeFile(path.join(rawRecordingDir(recordingsDir, segment.sessionId), name), 'MJR00002');
  return names;
}

const raw = () => readdir(rawRecordingDir(recordingsDir, sessionId));
const opts = (key = true) => ({ recordingsDir, partSize: MIN_PART_SIZE, bankKey: () => (key ? bank : null) });

describe('sealSegment', () => {
  it('is null (nothing to report) when Janus wrote no file for the segment', async () => {
    expect(await sealSegment(seg1, opts())).toBeNull();
    expect(existsSync(outboxDir(recordingsDir))).toBe(false);
  });

  it('without a bank key fails readably and keeps the .mjr files (never anything unsealed in the outbox)', async () => {
    const names = await placeMjr(seg1);
    await expect(sealSegment(seg1, opts(false))).rejects.toThrow(/no bank public key/);
    expect((await raw()).sort()).toEqual(names.sort());
    expect((await readOutboxEntries(outboxDir(recordingsDir))).entries).toEqual([]);
  });
});

describe('enqueueConvertedSegment', () => {
  it('seals the webm into a durable entry, then deletes the plaintext and only this segment\'s .mjr files', async () => {
    await placeMjr(seg1);
    const others = await placeMjr(seg2);
    const webm = path.join(rawRecordingDir(recordingsDir, sessionId), `${seg1.base}.webm`);
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libvpx', '-c:a', 'libopus', webm]);
    const plainSha = sha256(await readFile(webm));
    const notified: OutboxEntry[] = [];

    const sealed = await enqueueConvertedSegment(seg1, { webm, startedAt: '2026-11-24T10:00:00.123Z', durationMs: 1_004 }, { ...opts(), onEntry: (e) => notified.push(e) });

    const { entries } = await readOutboxEntries(outboxDir(recordingsDir));
    expect(entries.map((e) => e.entry)).toEqual([sealed.entry]);
    expect(notified).toEqual([sealed.entry]);
    const { upload } = sealed.entry;
    expect(UploadStart.parse(upload)).toEqual(upload);
    expect(upload).toMatchObject({ sessionId, participant: 'customer', segment: 1, contentType: 'video/webm', partSize: MIN_PART_SIZE, startedAt: '2026-11-24T10:00:00.123Z', durationMs: 1_004, bankKeyId: bank.keyId });
    expect(upload.artifactId).toMatch(new RegExp(`^rec-${sessionId.slice(0, 8)}-customer-1-[0-9a-f]{8}$`));
    expect(sealed.entry.recordingBase).toBe(seg1.base);
    const bytes = await readFile(sealed.file);
    expect([bytes.length, sha256(bytes)]).toEqual([upload.size, upload.sha256]);
    expect(sealed).toMatchObject({ bytes: upload.size, durationMs: 1_004 });
    expect(sha256((await openBytes(privateKey, bytes)).plain)).toBe(plainSha);
    // The plaintext and this segment's sources are gone; the next segment's are untouched.
    expect((await raw()).sort()).toEqual(others.sort());
  });
});

describe('findLeftoverSegments', () => {
  it('returns segments still on disk, and deletes the sources of those already in the outbox', async () => {
    const otherSession = randomUUID();
    await placeMjr(seg1);
    await placeMjr(seg2);
    const agent: RecordingSegment = { sessionId: otherSession, participant: 'agent', segment: 1, base: segmentBase('agent', 1, 1_795_469_921_300) };
    await mkdir(rawRecordingDir(recordingsDir, otherSession), { recursive: true });
    await placeMjr(agent);
    await mkdir(path.join(recordingsDir, 'not-a-session', 'raw'), { recursive: true });
    await writeFile(path.join(recordingsDir, 'not-a-session', 'raw', `${seg1.base}-audio-0.mjr`), 'x');
    // The previous run wrote seg2's entry, then died before deleting its sources.
    const webm = path.join(rawRecordingDir(recordingsDir, sessionId), `${seg2.base}.webm`);
    await writeFile(webm, 'plain');
    await enqueueConvertedSegment(seg2, { webm, startedAt: '2026-11-24T10:00:00.000Z', durationMs: 1 }, opts());
    await placeMjr(seg2);
    await writeFile(webm, 'plain');

    const leftovers = await findLeftoverSegments(recordingsDir);
    expect(leftovers.sort((a, b) => a.base.localeCompare(b.base))).toEqual([agent, seg1].sort((a, b) => a.base.localeCompare(b.base)));
    expect((await raw()).sort()).toEqual([`${seg1.base}-audio-0.mjr`, `${seg1.base}-video-1.mjr`]);
  });
});
