/*
 * Pure parts of the media-node capacity load generator: ICE-TCP candidate filtering, RTP header
 * reading, packet loss from sequence numbers, CPU from /proc tick counts, and the ramp's stop rule.
 * No I/O here; capacity-math.test.ts covers it.
 */

/** RTP fixed header (RFC 3550): bytes 0-1 flags/marker/PT, 2-3 sequence, 4-7 timestamp, 8-11 SSRC. */
const RTP_HEADER_BYTES = 12;

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequence: number;
  ssrc: number;
}

/**
 * RTP (not RTCP) version 2: RFC 5761 demultiplexing, where second-byte values 192-223
 * (payload types 64-95) are RTCP on a muxed port.
 */
export function isRtp(packet: Uint8Array): boolean {
  if (packet.length < RTP_HEADER_BYTES || packet[0]! >> 6 !== 2) return false;
  const pt = packet[1]! & 0x7f;
  return pt < 64 || pt > 95;
}

export function readRtpHeader(packet: Uint8Array): RtpHeader {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return {
    payloadType: packet[1]! & 0x7f,
    marker: (packet[1]! & 0x80) !== 0,
    sequence: view.getUint16(2),
    ssrc: view.getUint32(8),
  };
}

export interface LossCount {
  /** Packets the sequence numbers say were sent. */
  expected: number;
  /** Packets that arrived (duplicates included, as in RFC 3550's cumulative loss). */
  received: number;
}

/**
 * Cumulative loss of one SSRC from its sequence numbers, RFC 3550 A.3 style: the highest sequence
 * number is extended across 16-bit wrap-around, expected = highest - first + 1.
 */
export class SequenceLoss {
  private first = -1;
  private highest = -1;
  private received = 0;

  push(sequence: number): void {
    this.received++;
    if (this.first < 0) {
      this.first = this.highest = sequence;
      return;
    }
    // The candidate extended number closest to the current highest: handles wrap and late packets.
    const cycle = this.highest - (this.highest & 0xffff);
    let extended = cycle + sequence;
    if (extended - this.highest > 0x8000) extended -= 0x10000;
    else if (this.highest - extended > 0x8000) extended += 0x10000;
    if (extended > this.highest) this.highest = extended;
  }

  count(): LossCount {
    return { expected: this.first < 0 ? 0 : this.highest - this.first + 1, received: this.received };
  }
}

/** Loss ratio between two counts of the same stream (a measurement window); 0 when nothing was expected. */
export function windowLoss(before: LossCount, after: LossCount): number {
  const expected = after.expected - before.expected;
  const received = after.received - before.received;
  if (expected <= 0) return 0;
  return Math.max(0, expected - received) / expected;
}

/**
 * utime+stime+cutime+cstime (clock ticks) from a /proc/<pid>/stat line. The command name is in
 * parentheses and may itself hold spaces or ')', so fields are counted from the last ')'.
 */
export function statTicks(statLine: string): { ticks: number; ppid: number } {
  const close = statLine.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc stat line');
  // After ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
  const fields = statLine.slice(close + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  const ticks = at(14) + at(15) + at(16) + at(17);
  if (!Number.isFinite(ticks)) throw new Error('malformed /proc stat line');
  return { ticks, ppid: at(4) };
}

/** CPU as % of one core from a tick delta over a wall-clock window. */
export function cpuPercent(ticks: number, clockTicksPerSecond: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return (ticks / clockTicksPerSecond / (elapsedMs / 1000)) * 100;
}

/** 1, 2, 4, 8, 12, 16, ... up to `max` calls: doubling to 4, then +4 (the ceiling within the time bound). */
export function rampSteps(max: number): number[] {
  const steps: number[] = [];
  for (let calls = 1; calls <= max; calls = calls < 4 ? calls * 2 : calls + 4) steps.push(calls);
  return steps;
}

export interface StepOutcome {
  calls: number;
  /** Calls where some subscriber got no media within the join timeout (or the setup failed). */
  joinFailures: number;
  /** Worst loss ratio over the hold window among all subscribed streams. */
  worstLoss: number;
}

/** Loss above this on any subscriber ends the ramp. */
export const LOSS_LIMIT = 0.01;

/** Why the ramp stops after this step, or null to go on. */
export function stopReason(step: StepOutcome, lossLimit = LOSS_LIMIT): string | null {
  if (step.joinFailures > 0) return `${step.joinFailures} of ${step.calls} calls failed to join`;
  if (step.worstLoss > lossLimit) return `packet loss ${(step.worstLoss * 100).toFixed(2)}% > ${(lossLimit * 100).toFixed(0)}%`;
  return null;
}

/** The payload type an SDP maps to a codec (e.g. `VP8/90000`, `opus/48000`), from its a=rtpmap lines. */
export function payloadTypeOf(sdp: string, codec: string): number | null {
  const wanted = codec.toLowerCase();
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^a=rtpmap:(\d+) ([^\s]+)/.exec(line);
    if (m && m[2]!.toLowerCase().startsWith(wanted)) return Number(m[1]);
  }
  return null;
}

/** An `a=candidate`/`candidate:` line's transport and address family. */
function candidateKind(line: string): { tcp: boolean; ipv4: boolean } | null {
  const m = /^(?:a=)?candidate:\S+ \d+ (\S+) \d+ (\S+) \d+ typ/i.exec(line.trim());
  if (!m) return null;
  return { tcp: m[1]!.toLowerCase() === 'tcp', ipv4: /^\d+\.\d+\.\d+\.\d+$/.test(m[2]!) };
}

/** True for an IPv4 TCP candidate: the only kind the load generator offers or uses (field notes). */
export function isIpv4TcpCandidate(line: string): boolean {
  const kind = candidateKind(line);
  return kind !== null && kind.tcp && kind.ipv4;
}

/**
 * The remote SDP with exactly one candidate left: the first IPv4 TCP passive one. Janus lists its
 * candidates (UDP, TCP active with port 0, TCP passive) under every bundled m-line; the load
 * generator's ICE-TCP active legs need only the passive one to connect to Janus (ice_lite, ice_tcp).
 */
export function keepOneTcpPassiveCandidate(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  let kept = false;
  return sdp
    .split(/\r?\n/)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      if (kept || !isIpv4TcpCandidate(line) || !/ tcptype passive\b/i.test(line)) return false;
      kept = true;
      return true;
    })
    .join(eol);
}

/**
 * The local SDP with only its IPv4 TCP active candidates: werift binds a UDP host and a TCP
 * passive candidate too, and the load generator offers Janus (ice_lite, ice_tcp) nothing it could
 * reach over UDP.
 */
export function keepTcpActiveCandidates(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') || (isIpv4TcpCandidate(line) && / tcptype active\b/i.test(line)))
    .join(eol);
}
