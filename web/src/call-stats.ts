/**
 * Summaries of RTCPeerConnection.getStats() for tests and diagnostics (`window.vident.stats()`).
 * Pure: takes the report entries as plain objects so recorded fixtures can be replayed.
 */

/** One entry of an RTCStatsReport as a plain object (`[...report.values()]`). */
export type StatsEntry = { id: string; type: string; [field: string]: unknown };

/** One end of the selected ICE candidate pair. */
export interface CandidateSummary {
  protocol: 'tcp' | 'udp' | null;
  /** host | srflx | prflx | relay */
  candidateType: string | null;
  /** active | passive | so, for TCP candidates; null otherwise. */
  tcpType: string | null;
  /** For a local relay candidate: how this browser reaches its TURN server (tcp | tls | udp); null otherwise. */
  relayProtocol: string | null;
  address: string | null;
  port: number | null;
}

export interface SelectedPairSummary {
  local: CandidateSummary;
  remote: CandidateSummary;
  state: string | null;
  /** Seconds, the latest STUN round trip on the pair (null or absent before the first). */
  currentRoundTripTime?: number | null;
  /** Bits per second, the browser's bandwidth estimate for what it sends on this pair (null or absent before it has one). */
  availableOutgoingBitrate?: number | null;
}

export interface InboundVideoSummary {
  framesDecoded: number;
  frameWidth: number | null;
  frameHeight: number | null;
  /** The decoder's frame rate over the last second (null before it has one). */
  framesPerSecond: number | null;
  /** Freezes as Chromium counts them (a frame late by max(3 x the mean gap, gap + 150 ms)) and their total seconds. */
  freezeCount: number | null;
  totalFreezesDuration: number | null;
  /** Seconds summed over `jitterBufferEmittedCount` frames: divide for the mean per frame. */
  jitterBufferDelay: number | null;
  jitterBufferEmittedCount: number | null;
}

export interface InboundAudioSummary {
  totalSamplesReceived: number;
  audioLevel: number | null;
}

export interface OutboundSummary {
  /** Sum over all outbound-rtp streams. */
  bytesSent: number;
  audioBytesSent: number;
  videoBytesSent: number;
}

/** The video this leg sends: what the encoder makes of the camera, and what limits it. */
export interface OutboundVideoSummary {
  frameWidth: number | null;
  frameHeight: number | null;
  framesPerSecond: number | null;
  /** none | cpu | bandwidth | other (Chromium's reason for sending less than the camera gives). */
  qualityLimitationReason: string | null;
}

/** What one RTCPeerConnection (leg) reports. */
export interface LegStats {
  selectedPair: SelectedPairSummary | null;
  /** Largest-framesDecoded inbound video stream, or null when none is received. */
  inboundVideo: InboundVideoSummary | null;
  /** Largest-totalSamplesReceived inbound audio stream, or null. */
  inboundAudio: InboundAudioSummary | null;
  outbound: OutboundSummary;
  /** The largest outbound video stream (by bytes), or null when none is sent. */
  outboundVideo?: OutboundVideoSummary | null;
}

/** `window.vident.stats()` answer. A leg is null when its RTCPeerConnection does not exist yet. */
export interface CallStats {
  publisher: LegStats | null;
  subscriber: LegStats | null;
}

/** Summarizes one leg's report entries. */
export function summarizeLeg(entries: readonly StatsEntry[]): LegStats {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const pair = findSelectedPair(entries, byId);
  const selectedPair =
    pair === undefined
      ? null
      : {
          local: summarizeCandidate(byId.get(str(pair.localCandidateId) ?? '')),
          remote: summarizeCandidate(byId.get(str(pair.remoteCandidateId) ?? '')),
          state: str(pair.state),
          currentRoundTripTime: num(pair.currentRoundTripTime),
          availableOutgoingBitrate: num(pair.availableOutgoingBitrate),
        };

  let inboundVideo: InboundVideoSummary | null = null;
  let inboundAudio: InboundAudioSummary | null = null;
  const outbound: OutboundSummary = { bytesSent: 0, audioBytesSent: 0, videoBytesSent: 0 };
  let outboundVideo: OutboundVideoSummary | null = null;
  let outboundVideoBytes = -1;
  for (const e of entries) {
    const kind = str(e.kind) ?? str(e.mediaType);
    if (e.type === 'inbound-rtp' && kind === 'video') {
      const candidate = {
        framesDecoded: num(e.framesDecoded) ?? 0,
        frameWidth: num(e.frameWidth),
        frameHeight: num(e.frameHeight),
        framesPerSecond: num(e.framesPerSecond),
        freezeCount: num(e.freezeCount),
        totalFreezesDuration: num(e.totalFreezesDuration),
        jitterBufferDelay: num(e.jitterBufferDelay),
        jitterBufferEmittedCount: num(e.jitterBufferEmittedCount),
      };
      if (inboundVideo === null || candidate.framesDecoded > inboundVideo.framesDecoded) inboundVideo = candidate;
    } else if (e.type === 'inbound-rtp' && kind === 'audio') {
      const candidate = { totalSamplesReceived: num(e.totalSamplesReceived) ?? 0, audioLevel: num(e.audioLevel) };
      if (inboundAudio === null || candidate.totalSamplesReceived > inboundAudio.totalSamplesReceived) {
        inboundAudio = candidate;
      }
    } else if (e.type === 'outbound-rtp') {
      const bytes = num(e.bytesSent) ?? 0;
      outbound.bytesSent += bytes;
      if (kind === 'audio') outbound.audioBytesSent += bytes;
      if (kind === 'video') outbound.videoBytesSent += bytes;
      if (kind === 'video' && bytes > outboundVideoBytes) {
        outboundVideoBytes = bytes;
        outboundVideo = {
          frameWidth: num(e.frameWidth),
          frameHeight: num(e.frameHeight),
          framesPerSecond: num(e.framesPerSecond),
          qualityLimitationReason: str(e.qualityLimitationReason),
        };
      }
    }
  }
  return { selectedPair, inboundVideo, inboundAudio, outbound, outboundVideo };
}

/** Summarizes both legs; a leg without a peer connection is given as null. */
export function summarizeCallStats(legs: {
  publisher: readonly StatsEntry[] | null;
  subscriber: readonly StatsEntry[] | null;
}): CallStats {
  return {
    publisher: legs.publisher === null ? null : summarizeLeg(legs.publisher),
    subscriber: legs.subscriber === null ? null : summarizeLeg(legs.subscriber),
  };
}

/**
 * The pair ICE actually uses: the transport's `selectedCandidatePairId` (Chromium, spec), else a
 * pair flagged `selected` (Firefox), else a nominated succeeded pair.
 */
export function findSelectedPair(entries: readonly StatsEntry[], byId: Map<string, StatsEntry>): StatsEntry | undefined {
  for (const e of entries) {
    if (e.type !== 'transport') continue;
    const pair = byId.get(str(e.selectedCandidatePairId) ?? '');
    if (pair?.type === 'candidate-pair') return pair;
  }
  const pairs = entries.filter((e) => e.type === 'candidate-pair');
  return (
    pairs.find((p) => p.selected === true) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded')
  );
}

function summarizeCandidate(c: StatsEntry | undefined): CandidateSummary {
  if (c === undefined) return { protocol: null, candidateType: null, tcpType: null, relayProtocol: null, address: null, port: null };
  const protocol = str(c.protocol)?.toLowerCase();
  return {
    protocol: protocol === 'tcp' || protocol === 'udp' ? protocol : null,
    candidateType: str(c.candidateType),
    tcpType: str(c.tcpType),
    relayProtocol: str(c.relayProtocol),
    // `ip` is the pre-2020 name of `address`, still seen in older Chromium/Safari.
    address: str(c.address) ?? str(c.ip),
    port: num(c.port),
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Converts an RTCStatsReport into plain entries (the only impure-adjacent helper here). */
export function reportEntries(report: RTCStatsReport): StatsEntry[] {
  const out: StatsEntry[] = [];
  report.forEach((value: StatsEntry) => out.push({ ...value }));
  return out;
}
