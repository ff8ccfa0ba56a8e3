/** What the status indicator shows (`data-state` of `connection-status`). */
export type ConnectionStatus = 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

/** Signaling socket lifecycle as the call controller tracks it. */
export type SocketPhase = 'idle' | 'connecting' | 'open' | 'retrying' | 'closed';

/** Everything the indicator depends on; kept plain so the rule is testable without a browser. */
export interface ConnectionInputs {
  socket: SocketPhase;
  /** `welcome` received on the current socket. */
  joined: boolean;
  /** The other party is connected to the session. */
  peerPresent: boolean;
  publisher: RTCPeerConnectionState | null;
  subscriber: RTCPeerConnectionState | null;
  ended: boolean;
  /** The controller gave up (retries exhausted, fatal server error). */
  fatal: boolean;
  /** The page stopped rejoining for broken media (media-watchdog.ts): a failed leg is then final. */
  mediaGaveUp: boolean;
  /** The call was interrupted (socket dropped, media rejoined) and has not been connected since. */
  recovering: boolean;
}

/** Derives the single status shown to the user; earlier rules win. */
export function deriveConnectionStatus(s: ConnectionInputs): ConnectionStatus {
  if (s.ended) return 'ended';
  const legFailed = s.publisher === 'failed' || s.subscriber === 'failed';
  if (s.fatal || (legFailed && s.mediaGaveUp)) return 'failed';
  // A failed leg is rejoined by the page (media-watchdog.ts): that is a reconnect, not the end.
  if (s.socket === 'retrying' || legFailed || s.publisher === 'disconnected' || s.subscriber === 'disconnected') {
    return 'reconnecting';
  }
  if (s.socket === 'closed') return 'failed';
  if (s.socket !== 'open' || !s.joined) return 'connecting';
  if (!s.peerPresent) return 'waiting';
  if (s.publisher === 'connected' && s.subscriber === 'connected') return 'connected';
  // Rebuilding the legs after an interruption is still the reconnect the user was told about.
  return s.recovering ? 'reconnecting' : 'connecting';
}
