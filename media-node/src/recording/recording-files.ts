import type { Role } from '@vident/protocol';
import { z } from 'zod';

/** One publisher's recording: the .mjr files Janus wrote for one publish cycle. */
export interface RecordingSet {
  /** Janus's timestamp in the file name (microseconds); larger = later publish. */
  startedAt: number;
  audio?: string;
  video?: string;
}

// Janus VideoRoom's default naming: videoroom-<room>-user-<feed>-<timestamp>-<audio|video|data>-<mindex>.mjr
const MJR = /^videoroom-.+-user-([a-z0-9]+)-(\d+)-(audio|video)-\d+\.mjr$/;

/** Streams of one publish cycle are created within milliseconds of each other; cycles are seconds apart. */
const SAME_CYCLE_US = 2_000_000;

/**
 * Picks the latest recording of one participant from a raw recording folder listing.
 * Janus stamps each stream's file with its own creation time (audio and video differ by a few
 * ms), so streams are grouped around the newest file. A participant who republished (page
 * reload) has several cycles; the last one is kept. Pure: works on names only.
 */
export function pickLatestRecording(fileNames: string[], role: Role): RecordingSet | undefined {
  const files = fileNames
    .map((name) => ({ name, match: MJR.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null && f.match[1] === role)
    .map((f) => ({ name: f.name, at: Number(f.match[2]), kind: f.match[3] as 'audio' | 'video' }))
    .sort((a, b) => b.at - a.at);
  const newest = files[0];
  if (!newest) return undefined;
  const set: RecordingSet = { startedAt: newest.at };
  for (const file of files) {
    if (newest.at - file.at > SAME_CYCLE_US) break;
    set.startedAt = file.at;
    set[file.kind] ??= file.name;
  }
  return set;
}

// `janus-pp-rec -j file.mjr` prints the header Janus writes with the first packet:
// {"t":"a|v","c":"opus","s":<created, µs>,"u":<first packet written, µs>,...}.
const MjrHeader = z.object({ u: z.number().int().positive() });

/**
 * When the first packet of a stream was written (µs since epoch), from the output of
 * `janus-pp-rec -j`; undefined when there is no usable header. Janus writes the header
 * together with the first packet, so a stream that was never relayed (published muted and
 * never turned on) has none.
 */
export function firstPacketAt(headerJson: string): number | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(headerJson);
  } catch {
    return undefined;
  }
  const parsed = MjrHeader.safeParse(raw);
  return parsed.success ? parsed.data.u : undefined;
}

/**
 * Where each stream must start in the muxed file (seconds), so audio and video stay in sync.
 * janus-pp-rec starts every output at that stream's own first packet; a stream turned on
 * later than the other (e.g. camera off at join, then configure video on) would otherwise
 * be shifted to the start of the file. Gaps later in a stream are kept by janus-pp-rec itself.
 */
export function streamOffsets<K extends string>(firstPackets: Record<K, number>): Record<K, number> {
  const values = Object.values<number>(firstPackets);
  const earliest = Math.min(...values);
  const offsets = {} as Record<K, number>;
  for (const key of Object.keys(firstPackets) as K[]) offsets[key] = (firstPackets[key] - earliest) / 1_000_000;
  return offsets;
}
