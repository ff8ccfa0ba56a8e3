import { Role } from '@vident/protocol';
import { z } from 'zod';

/*
 * Names of the raw recording files. Each publish of a participant is one recording segment
 * (the control plane numbers them: 1, then +1 per republish). The sidecar tells Janus a
 * recording base name per publish (VideoRoom `filename`), and Janus writes one .mjr per stream
 * as `<base>-<audio|video|data>-<mindex>.mjr` in the room's rec_dir. The base carries the role,
 * the segment and the publish time, so a republish (even one wrongly numbered twice) never
 * overwrites an earlier segment, and a restarted sidecar can tell from the names alone which
 * participant and segment a left-over file belongs to.
 */

/** One publish's recording: its base name and what the base encodes. */
export interface SegmentBase {
  base: string;
  participant: Role;
  segment: number;
}

const BASE = /^(customer|agent)-seg(\d{1,4})-(\d{13})$/;
const MJR = /^((?:customer|agent)-seg\d{1,4}-\d{13})-(audio|video|data)-(\d+)\.mjr$/;

/** The recording base name of one publish (no directory: Janus puts it in the room's rec_dir). */
export function segmentBase(participant: Role, segment: number, publishedAtMs: number): string {
  return `${participant}-seg${segment}-${String(Math.trunc(publishedAtMs)).padStart(13, '0')}`;
}

/** Parses a base name made by {@link segmentBase}; undefined for anything else. */
export function parseSegmentBase(base: string): SegmentBase | undefined {
  const m = BASE.exec(base);
  if (!m) return undefined;
  const participant = Role.safeParse(m[1]);
  const segment = Number(m[2]);
  if (!participant.success || segment < 1) return undefined;
  return { base, participant: participant.data, segment };
}

/** When the publish that began a segment happened (ISO 8601), from its base name; undefined for another name. */
export function segmentPublishedAt(base: string): string | undefined {
  const m = BASE.exec(base);
  return m ? new Date(Number(m[3])).toISOString() : undefined;
}

/** The .mjr files Janus wrote for one segment (the first file of each kind by m-line). */
export interface SegmentFiles {
  audio?: string;
  video?: string;
}

/** Picks the audio and video .mjr files of one base from a folder listing. Pure: names only. */
export function segmentFiles(fileNames: string[], base: string): SegmentFiles {
  const files = fileNames
    .map((name) => ({ name, m: MJR.exec(name) }))
    .filter((f): f is { name: string; m: RegExpExecArray } => f.m !== null && f.m[1] === base)
    .sort((a, b) => Number(a.m[3]) - Number(b.m[3]));
  const set: SegmentFiles = {};
  for (const f of files) {
    const kind = f.m[2];
    if (kind === 'audio' || kind === 'video') set[kind] ??= f.name;
  }
  return set;
}

/** Every .mjr file of one base, data channels included (all are deleted once the segment is sealed). */
export function allSegmentFiles(fileNames: string[], base: string): string[] {
  return fileNames.filter((name) => MJR.exec(name)?.[1] === base);
}

/** The distinct recording bases present in a folder listing (files of other naming are ignored). */
export function segmentBasesIn(fileNames: string[]): SegmentBase[] {
  const bases = new Set<string>();
  for (const name of fileNames) {
    const m = MJR.exec(name);
    if (m?.[1]) bases.add(m[1]);
  }
  return [...bases].sort().map((b) => parseSegmentBase(b)).filter((b): b is SegmentBase => b !== undefined);
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

/** The wall-clock time (ISO 8601, ms) of a segment's first packet, from the streams' first-packet times in µs. */
export function segmentStartedAt(firstPacketsUs: number[]): string {
  return new Date(Math.floor(Math.min(...firstPacketsUs) / 1000)).toISOString();
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
