import { describe, expect, it } from 'vitest';
import { StreamTally } from './stream-tally.ts';

const VP8 = 96;
const OPUS = 111;
const RTX = 97;

describe('StreamTally', () => {
  it('flows only once both audio and video arrived; other payload types are set aside', () => {
    const tally = new StreamTally({ video: VP8, audio: OPUS });
    tally.push(VP8, 1, 10);
    tally.push(RTX, 3, 1);
    expect(tally.flowing).toBe(false);
    tally.push(OPUS, 2, 500);
    expect(tally.flowing).toBe(true);
    expect(tally.unmatched).toEqual(new Set([RTX]));
    expect(tally.describe()).toBe('3 RTP packets, streams video+audio, other PTs 97');
  });

  it('measures the worst per-SSRC loss over a window', () => {
    const tally = new StreamTally({ video: VP8, audio: OPUS });
    for (let seq = 0; seq < 10; seq++) tally.push(VP8, 1, seq);
    for (let seq = 0; seq < 10; seq++) tally.push(OPUS, 2, seq);
    const before = tally.counts();
    // Video loses 1 of 10 in the window (sequence 15 missing), audio none.
    for (let seq = 10; seq < 20; seq++) if (seq !== 15) tally.push(VP8, 1, seq);
    for (let seq = 10; seq < 20; seq++) tally.push(OPUS, 2, seq);
    expect(tally.worstLossSince(before)).toEqual({ loss: 0.1, packets: 19 });
  });

  it('counts a stream that went silent, or a missing medium, as fully lost', () => {
    const tally = new StreamTally({ video: VP8, audio: OPUS });
    tally.push(VP8, 1, 0);
    tally.push(OPUS, 2, 0);
    const before = tally.counts();
    tally.push(OPUS, 2, 1);
    expect(tally.worstLossSince(before).loss).toBe(1);
    const videoOnly = new StreamTally({ video: VP8, audio: OPUS });
    videoOnly.push(VP8, 1, 0);
    videoOnly.push(VP8, 1, 1);
    expect(videoOnly.worstLossSince(new Map()).loss).toBe(1);
  });
});
