import type { IceCandidate } from '@vident/protocol';

/**
 * Holds a leg's local ICE candidates until the server can route them (after `published` /
 * `subscribed`), then passes them on in order, ending with `null` (gathering completed).
 * Janus needs that end marker or a handle may sit in "trickle pending" forever.
 */
export class TrickleQueue {
  private readonly pending: IceCandidate[] = [];
  private open = false;
  private completed = false;

  constructor(private readonly send: (candidate: IceCandidate) => void) {}

  /** A local candidate, or null when gathering finished. Later duplicates of null are dropped. */
  push(candidate: IceCandidate): void {
    if (this.completed) return;
    if (candidate === null) this.completed = true;
    if (this.open) this.send(candidate);
    else this.pending.push(candidate);
  }

  /** The server is ready for this leg: flush what was buffered and send the rest directly. */
  release(): void {
    if (this.open) return;
    this.open = true;
    for (const candidate of this.pending.splice(0)) this.send(candidate);
  }

  /** Candidates waiting for `release()`. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** RTCIceCandidate -> wire shape; null (end of gathering) stays null. */
export function toWireCandidate(c: RTCIceCandidate | null): IceCandidate {
  if (c === null || c.candidate === '') return null;
  const init = c.toJSON();
  return { candidate: init.candidate ?? '', sdpMid: init.sdpMid ?? null, sdpMLineIndex: init.sdpMLineIndex ?? null };
}

/**
 * Whether a candidate line (`candidate:<foundation> <component> <protocol> ...`) is UDP. A direct
 * leg's UDP candidates are not sent: the media node drops them anyway (its sdp/candidate-policy.ts:
 * direct legs are TCP both ways), and each would cost a node round trip a publish waits behind.
 */
export function isUdpCandidate(line: string): boolean {
  return /^(?:a=)?candidate:\S+\s+\d+\s+udp\s/i.test(line.trim());
}
