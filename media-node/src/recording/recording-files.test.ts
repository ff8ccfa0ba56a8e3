import { describe, expect, it } from 'vitest';
import {
  allSegmentFiles,
  firstPacketAt,
  parseSegmentBase,
  segmentBase,
  segmentBasesIn,
  segmentFiles,
  segmentStartedAt,
  streamOffsets,
} from './recording-files.ts';

const t1 = 1_795_469_921_194;
const t2 = 1_795_469_980_000;

describe('segment base names', () => {
  it('encode the participant, the segment and the publish time, and parse back', () => {
    const base = segmentBase('customer', 2, t1);
    expect(base).toBe('customer-seg2-1795469921194');
    expect(parseSegmentBase(base)).toEqual({ base, participant: 'customer', segment: 2 });
  });

  it('differ between two publishes of the same segment number (a republish never overwrites)', () => {
    expect(segmentBase('agent', 1, t1)).not.toBe(segmentBase('agent', 1, t1 + 1));
  });

  it.each(['admin-seg1-1795469921194', 'customer-seg0-1795469921194', 'customer-seg1-17954', 'customer-1-1795469921194', 'customer-seg1-1795469921194-audio-0', '../customer-seg1-1795469921194'])(
    'rejects %s',
    (name) => expect(parseSegmentBase(name)).toBeUndefined(),
  );
});

describe('segment files', () => {
  const a1 = segmentBase('customer', 1, t1);
  const a2 = segmentBase('customer', 2, t2);
  const b1 = segmentBase('agent', 1, t1);
  const listing = [
    `${a1}-audio-0.mjr`,
    `${a1}-video-1.mjr`,
    `${a1}-data-2.mjr`,
    `${a2}-video-1.mjr`,
    `${b1}-audio-0.mjr`,
    `${a1}.webm`,
    `${a1}-video-1.mjr.tmp`,
    `videoroom-7c9e6679-user-customer-${t1}-audio-0.mjr`,
    'notes.txt',
  ];

  it('pairs the audio and video files of one segment', () => {
    expect(segmentFiles(listing, a1)).toEqual({ audio: `${a1}-audio-0.mjr`, video: `${a1}-video-1.mjr` });
    expect(segmentFiles(listing, a2)).toEqual({ video: `${a2}-video-1.mjr` });
    expect(segmentFiles(listing, segmentBase('agent', 3, t2))).toEqual({});
  });

  it('takes the first m-line of a kind when a publisher sent two', () => {
    expect(segmentFiles([`${a1}-video-3.mjr`, `${a1}-video-1.mjr`], a1)).toEqual({ video: `${a1}-video-1.mjr` });
  });

  it('lists every .mjr of a segment (data included) and nothing of another', () => {
    expect(allSegmentFiles(listing, a1).sort()).toEqual([`${a1}-audio-0.mjr`, `${a1}-data-2.mjr`, `${a1}-video-1.mjr`]);
  });

  it('finds the distinct segments of a folder, ignoring other names', () => {
    expect(segmentBasesIn(listing)).toEqual([
      { base: b1, participant: 'agent', segment: 1 },
      { base: a1, participant: 'customer', segment: 1 },
      { base: a2, participant: 'customer', segment: 2 },
    ]);
  });
});

describe('segmentStartedAt', () => {
  it('is the earliest first packet, as ISO 8601 with milliseconds', () => {
    expect(segmentStartedAt([1_795_470_386_378_660, 1_795_470_384_394_290])).toBe(new Date(1_795_470_384_394).toISOString());
    expect(segmentStartedAt([1_795_470_384_394_999])).toMatch(/\.394Z$/);
  });
});

describe('firstPacketAt', () => {
  it('reads the first-packet time of a janus-pp-rec -j header', () => {
    const header = '{"t": "v", "c": "vp8", "x": {"13": "urn:3gpp:video-orientation"}, "s": 1795470384228725, "u": 1795470386378660}\n';
    expect(firstPacketAt(header)).toBe(1795470386378660);
  });

  it('is undefined for a missing, empty or malformed header', () => {
    expect(firstPacketAt('')).toBeUndefined();
    expect(firstPacketAt('not json')).toBeUndefined();
    expect(firstPacketAt('{"t": "a", "c": "opus", "s": 1}')).toBeUndefined();
    expect(firstPacketAt('{"u": 0}')).toBeUndefined();
    expect(firstPacketAt('{"u": "1795470386378660"}')).toBeUndefined();
    expect(firstPacketAt('[1]')).toBeUndefined();
  });
});

describe('streamOffsets', () => {
  it('starts the earliest stream at 0 and delays the later one by the difference', () => {
    expect(streamOffsets({ audio: 1_795_470_384_394_290, video: 1_795_470_386_378_660 })).toEqual({ audio: 0, video: 1.98437 });
  });

  it('gives 0 to a single stream and to streams that started together', () => {
    expect(streamOffsets({ video: 5 })).toEqual({ video: 0 });
    expect(streamOffsets({ audio: 7, video: 7 })).toEqual({ audio: 0, video: 0 });
  });
});
