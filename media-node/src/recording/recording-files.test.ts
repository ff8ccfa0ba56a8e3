import { describe, expect, it } from 'vitest';
import { firstPacketAt, pickLatestRecording, streamOffsets } from './recording-files.ts';

const room = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const f = (role: string, ts: number, kind: string, mindex: number) => `videoroom-${room}-user-${role}-${ts}-${kind}-${mindex}.mjr`;

describe('pickLatestRecording', () => {
  it('pairs the audio and video files of one participant', () => {
    const files = [f('customer', 100, 'audio', 0), f('customer', 100, 'video', 1), f('agent', 100, 'audio', 0)];
    expect(pickLatestRecording(files, 'customer')).toEqual({
      startedAt: 100,
      audio: f('customer', 100, 'audio', 0),
      video: f('customer', 100, 'video', 1),
    });
    expect(pickLatestRecording(files, 'agent')).toEqual({ startedAt: 100, audio: f('agent', 100, 'audio', 0) });
  });

  it('picks the latest publish cycle', () => {
    const files = [f('agent', 20_000_000, 'video', 1), f('agent', 10_000_000, 'audio', 0), f('agent', 20_000_000, 'audio', 0), f('agent', 10_000_000, 'video', 1)];
    expect(pickLatestRecording(files, 'agent')).toEqual({ startedAt: 20_000_000, video: files[0], audio: files[2] });
  });

  it('groups streams whose timestamps differ by a few milliseconds (as Janus writes them)', () => {
    const files = [f('customer', 1795469921194028, 'audio', 0), f('customer', 1795469921195978, 'video', 1)];
    expect(pickLatestRecording(files, 'customer')).toEqual({ startedAt: 1795469921194028, audio: files[0], video: files[1] });
  });

  it('does not mix streams of publish cycles seconds apart', () => {
    const files = [f('agent', 1_000_000, 'audio', 0), f('agent', 1_001_000, 'video', 1), f('agent', 9_000_000, 'video', 1)];
    expect(pickLatestRecording(files, 'agent')).toEqual({ startedAt: 9_000_000, video: files[2] });
  });

  it('ignores other files and other participants', () => {
    const files = ['customer.webm', 'notes.txt', f('customer', 1, 'data', 2), `${f('customer', 5, 'video', 1)}.tmp`, f('agent', 9, 'video', 1)];
    expect(pickLatestRecording(files, 'customer')).toBeUndefined();
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
