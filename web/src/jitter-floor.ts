/*
 * An adaptive floor under the video receiver's jitter buffer (RTCRtpReceiver.jitterBufferTarget),
 * for media over TCP (issue 17). Over ICE-TCP a lost segment never shows as RTP loss: the sender's
 * kernel retransmits it, and everything behind it waits (head-of-line blocking) for a tail-loss
 * probe or a retransmission timeout (200 ms at least on Linux). The packets then arrive in a burst,
 * late. Measured on the `lossy` profile: no packet lost, no NACK, no PLI, only stalls; Chromium's
 * jitter estimator treats such a stall as an outlier, so its buffer stays shorter than the stall
 * and the picture freezes. A floor a little longer than the stalls seen lets the late frames still
 * play on time, at the cost of that much delay (measured: a floor of 450-650 ms added 230-480 ms
 * of glass-to-glass delay), so it is raised only when a path keeps stalling (a second freeze within
 * `windowMs`: one freeze is as often a busy CPU as the path), kept short (400 ms at most: beyond,
 * conversation suffers more than the picture gains), and comes down step by step once the path has
 * been calm for a while (longer each time a lowered floor froze again, so a path that keeps
 * stalling does not see-saw).
 *
 * Pure: the page feeds cumulative receiver counters with their time (receive-buffer-tuner.ts).
 */

export const JITTER_FLOOR = {
  /** Never more than this (the delay it adds is the agent's and, through A/V sync, the audio's). */
  maxMs: 400,
  /** The first raise goes at least this high; each later raise adds at least `stepMs`. */
  firstMs: 200,
  stepMs: 100,
  /** Added to the mean freeze seen: the floor must outlast the stall, not just match it. */
  marginMs: 50,
  /** A raise needs this many freezes within `windowMs` (counting the one just seen). */
  freezesToRaise: 2,
  windowMs: 10_000,
  /** Calm (no freeze) this long before the floor comes down one step. */
  calmMs: 20_000,
  /** Each time a lowered floor froze again, the calm needed doubles, up to this. */
  maxCalmMs: 160_000,
} as const;

/** The subscriber's inbound video counters at one moment (cumulative, as getStats gives them). */
export interface ReceiverSample {
  /** ms, any monotonic clock shared by the samples. */
  at: number;
  framesDecoded: number;
  freezeCount: number;
  /** Seconds. */
  totalFreezesDuration: number;
}

export interface JitterFloorState {
  /** The floor now, ms; 0 = none (the browser's own jitter buffer). */
  targetMs: number;
  previous: ReceiverSample | null;
  /** When the path was last seen to stall (a freeze), or when the floor last moved. */
  calmSince: number;
  /** Calm needed before the next step down. */
  calmNeededMs: number;
  /** Whether the last move was down (a freeze right after it means the lower floor was too low). */
  lastMoveDown: boolean;
  /** When the freezes of the last `windowMs` were seen (one entry per freeze). */
  recentFreezes: number[];
}

export function initialJitterFloor(at = 0): JitterFloorState {
  return { targetMs: 0, previous: null, calmSince: at, calmNeededMs: JITTER_FLOOR.calmMs, lastMoveDown: false, recentFreezes: [] };
}

/**
 * The next state after `sample`. `tcp`: the media comes over TCP (direct ICE-TCP or TURN over
 * TCP); over UDP loss is repaired with NACK and the browser's own buffer, so no floor is raised
 * there (one already raised still comes down when calm).
 */
export function nextJitterFloor(state: JitterFloorState, sample: ReceiverSample, opts: { tcp: boolean }): JitterFloorState {
  const prev = state.previous;
  // First sample, or a new receiver (counters went back): nothing to compare with yet.
  if (prev === null || sample.framesDecoded < prev.framesDecoded || sample.freezeCount < prev.freezeCount) {
    return { ...state, previous: sample, calmSince: prev === null ? sample.at : state.calmSince };
  }
  const freezes = sample.freezeCount - prev.freezeCount;
  const frozenMs = Math.max(0, sample.totalFreezesDuration - prev.totalFreezesDuration) * 1000;
  const recentFreezes = [...state.recentFreezes.filter((at) => sample.at - at < JITTER_FLOOR.windowMs), ...Array<number>(freezes).fill(sample.at)];
  const cur = { ...state, recentFreezes };
  if (freezes > 0 && opts.tcp && recentFreezes.length >= JITTER_FLOOR.freezesToRaise) {
    const wanted = roundUp(frozenMs / freezes + JITTER_FLOOR.marginMs, 50);
    const raised = Math.min(JITTER_FLOOR.maxMs, Math.max(cur.targetMs === 0 ? JITTER_FLOOR.firstMs : cur.targetMs + JITTER_FLOOR.stepMs, wanted));
    const calmNeededMs = cur.lastMoveDown ? Math.min(JITTER_FLOOR.maxCalmMs, cur.calmNeededMs * 2) : cur.calmNeededMs;
    return { targetMs: raised, previous: sample, calmSince: sample.at, calmNeededMs, lastMoveDown: false, recentFreezes };
  }
  if (freezes > 0) return { ...cur, previous: sample, calmSince: sample.at };
  if (cur.targetMs > 0 && sample.at - cur.calmSince >= cur.calmNeededMs) {
    const lowered = cur.targetMs <= JITTER_FLOOR.firstMs ? 0 : Math.max(JITTER_FLOOR.firstMs, cur.targetMs - JITTER_FLOOR.stepMs);
    return { ...cur, targetMs: lowered, previous: sample, calmSince: sample.at, lastMoveDown: true };
  }
  // A floor that held through a whole calm period was right: the next freeze is not its fault.
  if (cur.lastMoveDown && sample.at - cur.calmSince >= cur.calmNeededMs) {
    return { ...cur, previous: sample, lastMoveDown: false, calmNeededMs: JITTER_FLOOR.calmMs };
  }
  return { ...cur, previous: sample };
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}
