/*
 * At start-up: recording segments a previous run of the sidecar did not finish. The segments
 * its publisher legs were still writing are not these (the caller leaves them out: the legs are
 * claimed back with their Janus session, see sessions/sidecar-state.ts); every other .mjr present
 * at start-up belongs to a finished segment. Each is either already in the outbox (the previous
 * run died between writing the entry and deleting the sources: delete them now) or still to be
 * sealed (returned).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { SessionId } from '@vident/protocol';
import { outboxDir, readOutboxEntries } from '../evidence/outbox-entry.ts';
import { rawRecordingDir } from './post-process.ts';
import { segmentBasesIn } from './recording-files.ts';
import type { RecordingSegment } from './recording-segments.ts';
import { removeSegmentSources } from './seal-segment.ts';

export async function findLeftoverSegments(recordingsDir: string): Promise<RecordingSegment[]> {
  const { entries } = await readOutboxEntries(outboxDir(recordingsDir));
  const enqueued = new Set(entries.map(({ entry }) => `${entry.upload.sessionId}/${entry.recordingBase ?? ''}`));
  const sessions = (await readdir(recordingsDir).catch(() => [] as string[])).filter((name) => SessionId.safeParse(name).success);
  const leftovers: RecordingSegment[] = [];
  for (const sessionId of sessions.sort()) {
    const rawDir = rawRecordingDir(recordingsDir, sessionId);
    const names = await readdir(rawDir).catch(() => [] as string[]);
    for (const { base, participant, segment } of segmentBasesIn(names)) {
      if (enqueued.has(`${sessionId}/${base}`)) await removeSegmentSources(rawDir, base, path.join(rawDir, `${base}.webm`));
      else leftovers.push({ sessionId, participant, segment, base });
    }
  }
  return leftovers;
}
