import * as z from 'zod/mini';
import { Sdp } from './common.ts';
import { IceServer, MediaTransport } from './media-transport.ts';

/*
 * The customer's pre-call reachability check of the media path over TCP:
 *
 *   browser --POST /v1/sessions/:id/probe {sdp}--> control plane --NodeCommand `probe`--> media node
 *
 * The media node answers the offer with a Janus EchoTest handle (data channel only, UDP candidates
 * stripped both ways); the browser sends a random nonce over the data channel and expects it back
 * over a TCP candidate pair. The probe never joins the session: no room, no peer, no state change.
 *
 * A probe tests one path, as the call would take it (media-transport.ts): `direct` ICE-TCP first;
 * when that fails, the page probes again with `relay` through the TURN servers the first answer
 * named (iceTransportPolicy relay, over TCP/TLS), and the node lets only the browser's relay
 * candidates through, as for a relayed call leg. A customer behind a proxy that lets only TCP 443
 * out thus passes the check when the call's own fallback would work.
 */

/** Id of one probe (a UUID the control plane mints). */
export const ProbeId = z.uuid();
export type ProbeId = z.infer<typeof ProbeId>;

/** Body of `POST /v1/sessions/:id/probe`: a full (non-trickle) offer with only a data channel. */
export const ProbeRequest = z.strictObject({
  sdp: Sdp,
  /** The path this offer tests (absent = direct); `relay`: gathered through TURN, relay candidates only. */
  transport: z.optional(MediaTransport),
});
export type ProbeRequest = z.infer<typeof ProbeRequest>;

/** Answer (200) of the probe route: Janus's answer, filtered for the probe's transport, no trickle to follow. */
export const ProbeAnswer = z.object({
  probeId: ProbeId,
  sdp: Sdp,
  /**
   * TURN servers with the customer's own short-lived credentials (minted as for the welcome), for
   * the `relay` probe after a failed direct one; empty when the deployment has no TURN fallback.
   */
  iceServers: z._default(z.array(IceServer).check(z.maxLength(8)), []),
});
export type ProbeAnswer = z.infer<typeof ProbeAnswer>;

/** How a probe ended in the browser: `pass` only when the nonce came back over a TCP pair (or a relay reached over TCP/TLS). */
export const ProbeResult = z.enum(['pass', 'fail']);
export type ProbeResult = z.infer<typeof ProbeResult>;

/** Why a probe failed, as the browser saw it (for the audit trail and support, not for the customer). */
export const ProbeFailure = z.enum(['refused', 'timeout', 'ice_failed', 'no_echo', 'not_tcp', 'unsupported', 'error']);
export type ProbeFailure = z.infer<typeof ProbeFailure>;

/** Body of `POST /v1/sessions/:id/probe/:probeId/result`: the outcome the browser saw, audited once. */
export const ProbeReport = z.strictObject({
  result: ProbeResult,
  /** The path the probe tested (absent = direct, as pages before the relay probe sent it). */
  transport: z.optional(MediaTransport),
  failure: z.optional(ProbeFailure),
  /** Round trip of the nonce over the data channel, when it came back. */
  echoMs: z.optional(z.int().check(z.nonnegative(), z.lte(60_000))),
});
export type ProbeReport = z.infer<typeof ProbeReport>;

/** Probes one session may start per minute (a customer retrying a few times stays far below). */
export const PROBES_PER_MINUTE = 10;

/**
 * Why an SDP cannot be a probe offer, or null when it can: an offer (`v=0`) with exactly one media
 * section, a WebRTC data channel, and no audio or video. Checked at the control plane (a clear 400)
 * and again at the media node (it never trusts its input). Pure, no I/O.
 */
export function probeOfferProblem(sdp: string): string | null {
  const lines = sdp.split(/\r?\n/);
  if (lines[0]?.trim() !== 'v=0') return 'the offer is not an SDP (it must start with v=0)';
  const media = lines.filter((l) => l.startsWith('m='));
  if (media.length !== 1) return 'the offer must have exactly one media section (a data channel)';
  if (!/^m=application \d+ \S*SCTP\S* webrtc-datachannel\s*$/.test(media[0]!)) return 'the offer’s only media section must be a WebRTC data channel';
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:')) || !lines.some((l) => l.startsWith('a=fingerprint:'))) {
    return 'the offer has no ICE credentials or DTLS fingerprint';
  }
  return null;
}
