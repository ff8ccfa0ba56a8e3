/*
 * Raw recordings never linger: a segment whose .mjr files janus-pp-rec cannot convert (a corrupt
 * file with a valid header, made here byte by byte) is retried with backoff, then sealed raw to the
 * bank key or, with no bank key, deleted. Real files, real janus-pp-rec, tar and sealing; the events
 * are the ones segment-jobs.ts reports to the control plane.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, openBytes, type NodeEvent } from '@vident/protocol';
import { sha256, testBankKey } from '../../test/support/bank-key.ts';
import { outboxDir, readOutboxEntries } from '../evidence/outbox-entry.ts';
import { rawRecordingDir } from './post-process.ts';
import { segmentBase } from './recording-files.ts';
import type { RecordingSegment } from './recording-segments.ts';
import { RecordingDeferred, SegmentJobs } from './segment-jobs.ts';
import { processSegment, RAW_RECORDING_CONTENT_TYPE, type ProcessSegmentOptions } from './unconverted-segment.ts';

const { bank, privateKey } = await testBankKey();

let recordingsDir: string;
const sessionId = randomUUID();
const publishedAt = 1_795_469_921_194;
const seg: RecordingSegment = { sessionId, participant: 'customer', segment: 1, base: segmentBase('customer', 1, publishedAt) };

beforeEach(async () => {
  recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'vident-unconverted-'));
  await mkdir(rawRecordingDir(recordingsDir, sessionId), { recursive: true });
});
afterEach(() => rm(recordingsDir, { recursive: true, force: true }));

/** An .mjr whose header janus-pp-rec reads (so it counts as recorded) but whose packets it cannot convert. */
function corruptMjr(kind: 'audio' | 'video'): Buffer {
  const header = Buffer.from(JSON.stringify({ t: kind[0], c: kind === 'video' ? 'vp8' : 'opus', s: publishedAt * 1000, u: publishedAt * 1000 + 1000 }));
  const length = Buffer.alloc(2);
  length.writeUInt16BE(header.length);
  return Buffer.concat([Buffer.from('MJR00002'), length, header, Buffer.from('MEET'), Buffer.from([0, 12]), randomBytes(40)]);
}

async function placeCorruptSegment(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [kind, mindex] of [['audio', 0], ['video', 1]] as const) {
    const name = `${seg.base}-${kind}-${mindex}.mjr`;
    const bytes = corruptMjr(kind);
    await writeFile(path.join(rawRecordingDir(recordingsDir, sessionId), name), bytes);
    files.set(name, sha256(bytes));
  }
  return files;
}

/** Every file left below RECORDINGS_DIR, relative. */
async function filesLeft(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(recordingsDir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) await walk(r);
      else out.push(r);
    }
  };
  await walk('');
  return out.sort();
}

function options(key: boolean, extra: Partial<ProcessSegmentOptions> = {}): ProcessSegmentOptions & { bankKeyCalls: number[] } {
  const bankKeyCalls: number[] = [];
  return {
    recordingsDir,
    partSize: MIN_PART_SIZE,
    bankKey: () => {
      bankKeyCalls.push(Date.now());
      return key ? bank : null;
    },
    retry: { attempts: 3, firstDelayMs: 40 },
    settleTimeoutMs: 0,
    bankKeyCalls,
    ...extra,
  };
}

/** Runs the segment through SegmentJobs as the sidecar does, collecting what it reports. */
async function runJob(opts: ProcessSegmentOptions): Promise<NodeEvent[]> {
  const events: NodeEvent[] = [];
  const log = { info: () => undefined, warn: () => undefined };
  const jobs = new SegmentJobs({ process: (s) => processSegment(s, opts), reportEvent: (e) => events.push(e), log });
  jobs.schedule(seg);
  await Promise.all([...jobs.pending]);
  return events;
}

describe('a segment janus-pp-rec cannot convert', () => {
  it('is retried with backoff, then its raw files are sealed to the bank key as they are: no plaintext stays', async () => {
    const originals = await placeCorruptSegment();
    const counted: string[] = [];
    const opts = options(true, { onUnconverted: (o) => counted.push(o) });

    const events = await runJob(opts);

    expect(events).toEqual([
      { type: 'recording-unconverted', sessionId, participant: 'customer', segment: 1, outcome: 'sealed-raw', attempts: 3, message: expect.stringMatching(/^conversion failed 3 times: janus-pp-rec failed.*raw \.mjr files were sealed as they are$/s) },
    ]);
    expect(counted).toEqual(['sealed-raw']);
    // One conversion per attempt, the waits growing (40 ms, then 160 ms), then the raw sealing.
    const gaps = opts.bankKeyCalls.slice(1, 3).map((t, i) => t - opts.bankKeyCalls[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(150);

    // Nothing but the sealed artifact and its entry is left on the node.
    const { entries } = await readOutboxEntries(outboxDir(recordingsDir));
    expect(entries).toHaveLength(1);
    const { upload, file } = entries[0]!.entry;
    expect(await filesLeft()).toEqual([`outbox/${upload.artifactId}.json`, `outbox/${upload.artifactId}.venc`]);
    expect(upload).toMatchObject({ sessionId, participant: 'customer', segment: 1, contentType: RAW_RECORDING_CONTENT_TYPE, durationMs: 0, startedAt: new Date(publishedAt).toISOString(), bankKeyId: bank.keyId });

    // The bank opens it and finds the .mjr files, byte for byte.
    const opened = await openBytes(privateKey, await readFile(file));
    expect(opened.header.contentType).toBe(RAW_RECORDING_CONTENT_TYPE);
    const unpacked = await mkdtemp(path.join(os.tmpdir(), 'vident-unpacked-'));
    try {
      await writeFile(path.join(unpacked, 'raw.tar'), opened.plain);
      await promisify(execFile)('tar', ['-xf', 'raw.tar'], { cwd: unpacked });
      await rm(path.join(unpacked, 'raw.tar'));
      const found = new Map<string, string>();
      for (const name of await readdir(unpacked)) found.set(name, sha256(await readFile(path.join(unpacked, name))));
      expect(found).toEqual(originals);
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  });

  it('with no bank key is deleted after the budget, saying why, and reported as failed', async () => {
    await placeCorruptSegment();
    const counted: string[] = [];
    const events = await runJob(options(false, { onUnconverted: (o) => counted.push(o) }));

    const message = expect.stringMatching(/^conversion failed 3 times: no bank public key.*no bank key to seal the raw files to, so they were deleted$/s);
    expect(events).toEqual([
      { type: 'recording-unconverted', sessionId, participant: 'customer', segment: 1, outcome: 'purged', attempts: 3, message },
      { type: 'recording-failed', sessionId, participant: 'customer', segment: 1, message },
    ]);
    expect(counted).toEqual(['purged']);
    expect(await filesLeft()).toEqual([]);
  });

  it('waiting for a retry when the sidecar stops: nothing reported, the files stay for the next run', async () => {
    const originals = await placeCorruptSegment();
    const stop = new AbortController();
    const opts = options(true, { signal: stop.signal, retry: { attempts: 3, firstDelayMs: 60_000 } });
    const outcome = processSegment(seg, opts);
    while (opts.bankKeyCalls.length === 0) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await expect(outcome).rejects.toBeInstanceOf(RecordingDeferred);
    expect((await readdir(rawRecordingDir(recordingsDir, sessionId))).sort()).toEqual([...originals.keys()].sort());
  });
  it('stopping during the last attempt: not given up, the files stay for the next run', async () => {
    const originals = await placeCorruptSegment();
    const stop = new AbortController();
    // The attempt asks for the bank key; the sidecar stops meanwhile.
    const opts = options(false, { signal: stop.signal, retry: { attempts: 1, firstDelayMs: 0 }, bankKey: () => (stop.abort(), null) });
    await expect(processSegment(seg, opts)).rejects.toBeInstanceOf(RecordingDeferred);
    expect((await readdir(rawRecordingDir(recordingsDir, sessionId))).sort()).toEqual([...originals.keys()].sort());
  });
});

describe('a segment whose files carry no packet at all', () => {
  it('is empty, and its header-less files are deleted', async () => {
    const raw = rawRecordingDir(recordingsDir, sessionId);
    await writeFile(path.join(raw, `${seg.base}-video-1.mjr`), 'MJR00002');
    expect(await runJob(options(true))).toEqual([{ type: 'recording-empty', sessionId, participant: 'customer', segment: 1 }]);
    expect(await filesLeft()).toEqual([]);
  });
});
