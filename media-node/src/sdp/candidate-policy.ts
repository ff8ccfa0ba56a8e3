import type { MediaTransport } from '@vident/protocol';
import { candidateTransport, filterSdpCandidates } from './strip-udp-candidates.ts';

/*
 * Which ICE candidates a leg lets through, by the participant's media transport. Pure functions.
 *
 * direct: TCP candidates only, both ways (see strip-udp-candidates.ts for why both).
 * relay:  the browser reaches Janus through TURN over TCP/TLS. Its only candidates are `typ relay`
 *         (UDP relayed addresses on the TURN server: browsers request UDP allocations even over a
 *         TCP connection to TURN), and Janus must offer the UDP host candidates the TURN server
 *         sends to. The browser's host/srflx candidates are still dropped: nothing on the
 *         participant's side ever sends UDP, and a relay leg cannot slip back to a direct path.
 */

/** The `typ` of a candidate line (trickle or SDP form), lowercase, or null if unparsable. */
export function candidateType(candidate: string): string | null {
  const match = /\styp\s+(\S+)/i.exec(candidate);
  return match ? match[1]!.toLowerCase() : null;
}

function browserMay(candidate: string, transport: MediaTransport): boolean {
  if (transport === 'relay') return candidateType(candidate) === 'relay';
  return candidateTransport(candidate) === 'tcp';
}

function janusMay(candidate: string, transport: MediaTransport): boolean {
  // Janus's own candidates are its host addresses; a relay leg needs the UDP ones.
  return transport === 'relay' ? candidateTransport(candidate) !== null : candidateTransport(candidate) === 'tcp';
}

/** The browser's SDP (offer or answer) as Janus may see it. */
export function browserSdpFor(sdp: string, transport: MediaTransport = 'direct'): string {
  return filterSdpCandidates(sdp, (c) => browserMay(c, transport)).sdp;
}

/** Janus's SDP (offer or answer) as the browser may see it. */
export function janusSdpFor(sdp: string, transport: MediaTransport = 'direct'): string {
  return filterSdpCandidates(sdp, (c) => janusMay(c, transport)).sdp;
}

/** Whether a candidate the browser trickled may go to Janus. */
export function mayTrickle(candidate: string, transport: MediaTransport = 'direct'): boolean {
  return browserMay(candidate, transport);
}
