import { describe, expect, it } from 'vitest';
import { RecordingSegments, type RecordingSegment } from './recording-segments.ts';

const seg = (n: number): RecordingSegment => ({ sessionId: 's-1', participant: 'customer', segment: n, base: `customer-seg${n}-179546992119${n}` });

describe('RecordingSegments', () => {
  it('hands out a segment once, whichever end signal comes first', () => {
    const segments = new RecordingSegments<object>();
    const handle = {};
    segments.begin(handle, seg(1));
    expect(segments.isOpen(seg(1))).toBe(true);
    expect(segments.end(handle)).toEqual(seg(1)); // e.g. Janus's hangup
    expect(segments.end(handle)).toBeUndefined(); // then our leave, then the detach
    expect(segments.end(handle)).toBeUndefined();
    expect(segments.isOpen(seg(1))).toBe(false);
  });

  it('keeps a republished participant\'s segments apart', () => {
    const segments = new RecordingSegments<object>();
    const first = {};
    const second = {};
    segments.begin(first, seg(1));
    segments.begin(second, seg(2));
    expect(segments.end(first)).toEqual(seg(1));
    expect(segments.isOpen(seg(2))).toBe(true);
    expect(segments.end(second)).toEqual(seg(2));
  });

  it('ends every open segment at once when Janus is lost, and none twice', () => {
    const segments = new RecordingSegments<object>();
    const a = {};
    const b = {};
    segments.begin(a, seg(1));
    segments.begin(b, seg(2));
    expect(segments.end(a)).toEqual(seg(1));
    expect(segments.endAll()).toEqual([seg(2)]);
    expect(segments.size).toBe(0);
    expect(segments.end(b)).toBeUndefined();
  });

  it('gives nothing for a handle that records no segment (unrecorded session, subscriber)', () => {
    expect(new RecordingSegments<object>().end({})).toBeUndefined();
  });
});
