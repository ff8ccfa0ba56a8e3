import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactId, MIN_PART_SIZE } from '@vident/protocol';
import {
  entryPath,
  readOutboxEntries,
  recordingArtifactId,
  removeOutboxEntry,
  removeOutboxLeftovers,
  sealedPath,
  writeOutboxEntry,
  type OutboxEntry,
} from './outbox-entry.ts';

const SESSION = '7C9E6679-7425-40DE-944B-E07FC1F90AE7'.toLowerCase();
let dir: string;

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'vident-entry-')), 'outbox');
  await mkdir(dir);
});
afterEach(() => rm(path.dirname(dir), { recursive: true, force: true }));

function entry(artifactId: string, createdAt = '2026-11-24T10:00:00.000Z'): OutboxEntry {
  return {
    v: 1,
    upload: {
      artifactId,
      sessionId: SESSION,
      participant: 'agent',
      segment: 2,
      contentType: 'video/webm',
      size: 1234,
      sha256: 'a'.repeat(64),
      bankKeyId: 'b'.repeat(64),
      partSize: MIN_PART_SIZE,
      startedAt: '2026-11-24T09:59:00.001Z',
      durationMs: 60_000,
    },
    file: sealedPath(dir, artifactId),
    recordingBase: 'agent-seg2-1795469921194',
    createdAt,
  };
}

describe('recordingArtifactId', () => {
  it('is rec-<session prefix>-<participant>-<segment>-<8 random hex>, valid and unique', () => {
    const a = recordingArtifactId(SESSION, 'customer', 12);
    expect(a).toMatch(/^rec-7c9e6679-customer-12-[0-9a-f]{8}$/);
    expect(ArtifactId.safeParse(a).success).toBe(true);
    expect(recordingArtifactId(SESSION, 'customer', 12)).not.toBe(a);
    expect(recordingArtifactId(randomUUID().toUpperCase(), 'agent', 1)).toMatch(/^rec-[0-9a-f]{8}-agent-1-/);
  });
});

describe('outbox entries on disk', () => {
  it('are written atomically (no temporary file left) and read back oldest first', async () => {
    await writeOutboxEntry(dir, entry('rec-7c9e6679-agent-2-bbbbbbbb', '2026-11-24T10:00:01.000Z'));
    await writeOutboxEntry(dir, entry('rec-7c9e6679-agent-2-aaaaaaaa', '2026-11-24T10:00:02.000Z'));
    await writeOutboxEntry(dir, entry('rec-7c9e6679-agent-1-cccccccc', '2026-11-24T10:00:00.000Z'));
    expect((await readdir(dir)).sort()).toEqual(['rec-7c9e6679-agent-1-cccccccc.json', 'rec-7c9e6679-agent-2-aaaaaaaa.json', 'rec-7c9e6679-agent-2-bbbbbbbb.json']);
    const { entries, invalid } = await readOutboxEntries(dir);
    expect(invalid).toEqual([]);
    expect(entries.map((e) => e.entry.upload.artifactId)).toEqual(['rec-7c9e6679-agent-1-cccccccc', 'rec-7c9e6679-agent-2-bbbbbbbb', 'rec-7c9e6679-agent-2-aaaaaaaa']);
    expect(entries[0]!.entry).toEqual(entry('rec-7c9e6679-agent-1-cccccccc', '2026-11-24T10:00:00.000Z'));
  });

  it('sets apart entries that are not JSON, do not validate, or sit under another artifact name', async () => {
    await writeFile(path.join(dir, 'rec-broken-00000000.json'), '{"v":');
    await writeFile(path.join(dir, 'rec-wrong-shape-0000.json'), JSON.stringify({ ...entry('rec-wrong-shape-0000'), v: 2 }));
    await writeFile(path.join(dir, 'rec-renamed-0000000.json'), JSON.stringify(entry('rec-7c9e6679-agent-2-aaaaaaaa')));
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    const { entries, invalid } = await readOutboxEntries(dir);
    expect(entries).toEqual([]);
    expect(invalid.map((i) => [path.basename(i.jsonPath), i.reason.slice(0, 20)])).toEqual([
      ['rec-broken-00000000.json', 'not JSON'],
      ['rec-renamed-0000000.json', 'file name does not m'],
      ['rec-wrong-shape-0000.json', expect.stringContaining('v:')],
    ]);
  });

  it('are removed entry first, then the sealed file', async () => {
    const e = entry('rec-7c9e6679-agent-2-aaaaaaaa');
    await writeFile(e.file, 'sealed');
    await writeOutboxEntry(dir, e);
    const [loaded] = (await readOutboxEntries(dir)).entries;
    await removeOutboxEntry(loaded!);
    expect(existsSync(entryPath(dir, e.upload.artifactId))).toBe(false);
    expect(existsSync(e.file)).toBe(false);
  });
});

describe('removeOutboxLeftovers', () => {
  it('removes stale temporary files and old sealed files without an entry, nothing else', async () => {
    const now = Date.now();
    const old = new Date(now - 2 * 3_600_000);
    const files = {
      'rec-a-00000000.venc': old, // orphan, old: removed
      'rec-b-00000000.venc': new Date(now - 60_000), // orphan, recent (a writer may be about to add its entry): kept
      'rec-c-00000000.venc': old, // has an entry: kept
      'rec-c-00000000.json': old,
      'rec-d-00000000.json.1234abcd.tmp': new Date(now - 120_000), // stale tmp: removed
      'rec-e-00000000.json.1234abcd.tmp': new Date(now - 1_000), // fresh tmp: kept
    };
    for (const [name, mtime] of Object.entries(files)) {
      await writeFile(path.join(dir, name), 'x');
      await utimes(path.join(dir, name), mtime, mtime);
    }
    expect((await removeOutboxLeftovers(dir, 3_600_000, now)).sort()).toEqual(['rec-a-00000000.venc', 'rec-d-00000000.json.1234abcd.tmp']);
    expect((await readdir(dir)).sort()).toEqual(['rec-b-00000000.venc', 'rec-c-00000000.json', 'rec-c-00000000.venc', 'rec-e-00000000.json.1234abcd.tmp']);
  });
});
