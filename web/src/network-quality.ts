import { findSelectedPair, type StatsEntry } from './call-stats.ts';

/*
 * The in-call network-quality indicator. Both pages sample getStats every QUALITY_INTERVAL_MS and
 * classify the interval from four numbers: the bitrate we send (the media node's side of the
 * story is what gets recorded), the packet loss seen in either direction, the round-trip time
 * of the ICE pair in use, and the share of the interval the received video stood frozen. The last
 * one is what tells the truth over ICE-TCP: there a lost segment is retransmitted by TCP, so RTP
 * never reports it lost and the STUN round trip stays short, but the video stalls behind it
 * (measured on the `lossy` profile: 0 packets lost, 6 freezes in 30 s). Pure: the page feeds
 * report entries and timestamps.
 */

export const QUALITY_INTERVAL_MS = 2000;

export type NetworkQuality = 'unknown' | 'good' | 'fair' | 'poor';

/** Cumulative counters read from both legs at one moment. */
export interface NetworkCounters {
  /** ms since epoch (or any monotonic clock, as long as samples share it). */
  at: number;
  /** Total bytes sent on the publisher leg; null without a publisher leg. */
  bytesSent: number | null;
  /** inbound-rtp totals of the subscriber leg (what reaches us). */
  packetsLost: number;
  packetsReceived: number;
  /** Worst remote-inbound-rtp fractionLost (0..1) of the publisher leg: loss on our way up. */
  upstreamFractionLost: number | null;
  /** currentRoundTripTime of the selected pair, worst of both legs, in ms. */
  rttMs: number | null;
  /** totalFreezesDuration of the received video (subscriber leg), seconds; 0 without one. */
  frozenSeconds: number;
}

/** One interval's numbers; null where they could not be measured. */
export interface NetworkMeasure {
  /** Sending bitrate over the interval, kbit/s. */
  bitrateKbps: number | null;
  /** Loss over the interval, percent (the worse of up- and downstream). */
  lossPercent: number | null;
  rttMs: number | null;
  /** Share of the interval the received video stood frozen, percent; null without a previous sample. */
  frozenPercent?: number | null;
}

/** Reads the counters from each leg's report entries (null for a leg that does not exist). */
export function readNetworkCounters(
  legs: { publisher: readonly StatsEntry[] | null; subscriber: readonly StatsEntry[] | null },
  at: number,
): NetworkCounters {
  let bytesSent: number | null = null;
  let upstreamFractionLost: number | null = null;
  let packetsLost = 0;
  let packetsReceived = 0;
  let frozenSeconds = 0;
  for (const e of legs.publisher ?? []) {
    if (e.type === 'outbound-rtp') bytesSent = (bytesSent ?? 0) + (num(e.bytesSent) ?? 0);
    const fraction = num(e.fractionLost);
    if (e.type === 'remote-inbound-rtp' && fraction !== null) upstreamFractionLost = Math.max(upstreamFractionLost ?? 0, fraction);
  }
  if (legs.publisher !== null) bytesSent ??= 0;
  for (const e of legs.subscriber ?? []) {
    if (e.type !== 'inbound-rtp') continue;
    // packetsLost can go negative (duplicates); it never makes an interval better than lossless.
    packetsLost += Math.max(0, num(e.packetsLost) ?? 0);
    packetsReceived += num(e.packetsReceived) ?? 0;
    frozenSeconds += num(e.totalFreezesDuration) ?? 0;
  }
  const rtts = [legs.publisher, legs.subscriber].map((entries) => (entries === null ? null : pairRtt(entries))).filter((r) => r !== null);
  return {
    at,
    bytesSent,
    packetsLost,
    packetsReceived,
    upstreamFractionLost,
    rttMs: rtts.length > 0 ? Math.max(...rtts) : null,
    frozenSeconds,
  };
}

/**
 * The numbers of the interval between two samples. Without a previous sample (or after a leg was
 * rebuilt, when counters restart) the bitrate is unknown and loss falls back to the totals so far.
 */
export function measureNetwork(prev: NetworkCounters | null, cur: NetworkCounters): NetworkMeasure {
  const dt = prev === null ? 0 : cur.at - prev.at;
  const restarted =
    prev === null || (prev.bytesSent !== null && cur.bytesSent !== null && cur.bytesSent < prev.bytesSent) || cur.packetsReceived < prev.packetsReceived;
  let bitrateKbps: number | null = null;
  if (!restarted && dt > 0 && prev.bytesSent !== null && cur.bytesSent !== null) {
    bitrateKbps = ((cur.bytesSent - prev.bytesSent) * 8) / dt; // bytes per ms * 8 = kbit/s
  }
  const lost = restarted ? cur.packetsLost : Math.max(0, cur.packetsLost - prev.packetsLost);
  const received = restarted ? cur.packetsReceived : cur.packetsReceived - prev.packetsReceived;
  const downstream = lost + received > 0 ? (lost / (lost + received)) * 100 : null;
  const upstream = cur.upstreamFractionLost === null ? null : cur.upstreamFractionLost * 100;
  const losses = [downstream, upstream].filter((l) => l !== null);
  // A freeze is counted when it ends, so one interval may carry more than its own length.
  const frozenPercent = restarted || dt <= 0 ? null : Math.min(100, (Math.max(0, cur.frozenSeconds - prev.frozenSeconds) * 1000 * 100) / dt);
  return { bitrateKbps, lossPercent: losses.length > 0 ? Math.max(...losses) : null, rttMs: cur.rttMs, frozenPercent };
}

/**
 * Thresholds, from common video-call guidance: loss above ~2-3% is visible, above ~10% video
 * breaks up; RTT above ~300 ms makes conversation awkward, above ~600 ms hard; an ID card needs
 * a few hundred kbit/s of video to stay legible; any freeze in an interval (one is 150 ms at least,
 * 7.5 % of an interval) is visible, a fifth of it frozen is a broken call (the bench's goal is under
 * 2 % of the whole call). Bitrate only counts while our camera is on: audio alone is a few dozen
 * kbit/s on a perfect network.
 */
export const QUALITY_THRESHOLDS = {
  fair: { lossPercent: 3, rttMs: 300, minVideoKbps: 300, frozenPercent: 2 },
  poor: { lossPercent: 10, rttMs: 600, minVideoKbps: 120, frozenPercent: 20 },
} as const;

/** good / fair / poor from the worst of the three numbers; unknown when none is measured. */
export function classifyNetworkQuality(m: NetworkMeasure, opts: { videoOn: boolean }): NetworkQuality {
  const bitrate = opts.videoOn ? m.bitrateKbps : null;
  if (m.lossPercent === null && m.rttMs === null && bitrate === null) return 'unknown';
  const frozen = m.frozenPercent ?? null;
  const reaches = (t: { lossPercent: number; rttMs: number; minVideoKbps: number; frozenPercent: number }) =>
    (m.lossPercent !== null && m.lossPercent >= t.lossPercent) ||
    (frozen !== null && frozen >= t.frozenPercent) ||
    (m.rttMs !== null && m.rttMs >= t.rttMs) ||
    (bitrate !== null && bitrate < t.minVideoKbps);
  if (reaches(QUALITY_THRESHOLDS.poor)) return 'poor';
  if (reaches(QUALITY_THRESHOLDS.fair)) return 'fair';
  return 'good';
}

function pairRtt(entries: readonly StatsEntry[]): number | null {
  const pair = findSelectedPair(entries, new Map(entries.map((e) => [e.id, e])));
  const seconds = num(pair?.currentRoundTripTime);
  return seconds === null ? null : seconds * 1000;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
