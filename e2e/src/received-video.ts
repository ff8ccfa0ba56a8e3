import type { Page } from 'playwright-core';
import { callStats } from './call-page.ts';

/** What a page receives of the other party's video now, from its subscriber leg's getStats. */
export interface ReceivedVideo {
  framesDecoded: number;
  width: number | null;
  height: number | null;
  /** The decoder's frames per second over the last second. */
  fps: number | null;
  freezeCount: number;
  /** Seconds. */
  totalFreezesDuration: number;
  /** Cumulative seconds over `jitterBufferEmitted` frames. */
  jitterBufferDelay: number;
  jitterBufferEmitted: number;
  /** Seconds, the subscriber's selected pair (STUN over the same TCP connection). */
  rtt: number | null;
}

export async function receivedVideo(page: Page): Promise<ReceivedVideo | null> {
  const leg = (await callStats(page)).subscriber;
  const v = leg?.inboundVideo;
  if (!v) return null;
  return {
    framesDecoded: v.framesDecoded,
    width: v.frameWidth,
    height: v.frameHeight,
    fps: v.framesPerSecond,
    freezeCount: v.freezeCount ?? 0,
    totalFreezesDuration: v.totalFreezesDuration ?? 0,
    jitterBufferDelay: v.jitterBufferDelay ?? 0,
    jitterBufferEmitted: v.jitterBufferEmittedCount ?? 0,
    rtt: leg?.selectedPair?.currentRoundTripTime ?? null,
  };
}

/**
 * Figures over a window of a call: the difference of two samples (same leg: `framesDecoded` did not
 * go back), so what happened before the window does not count.
 */
export function videoWindow(from: ReceivedVideo, to: ReceivedVideo, seconds: number) {
  const frames = to.framesDecoded - from.framesDecoded;
  const emitted = to.jitterBufferEmitted - from.jitterBufferEmitted;
  return {
    sameLeg: frames >= 0,
    fps: frames / seconds,
    freezes: to.freezeCount - from.freezeCount,
    freezeSeconds: to.totalFreezesDuration - from.totalFreezesDuration,
    /** Mean jitter-buffer delay per frame in the window, ms. */
    jitterBufferMs: emitted > 0 ? ((to.jitterBufferDelay - from.jitterBufferDelay) / emitted) * 1000 : null,
  };
}
