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
}

/** Derives the single status shown to the user; earlier rules win. */
export function deriveConnectionStatus(s: ConnectionInputs): ConnectionStatus {
  if (s.ended) return 'ended';
  if (s.fatal || s.publisher === 'failed' || s.subscriber === 'failed') return 'failed';
  if (s.socket === 'retrying' || s.publisher === 'disconnected' || s.subscriber === 'disconnected') {
    return 'reconnecting';
  }
  if (s.socket === 'closed') return 'failed';
  if (s.socket !== 'open' || !s.joined) return 'connecting';
  if (!s.peerPresent) return 'waiting';
  if (s.publisher === 'connected' && s.subscriber === 'connected') return 'connected';
  return 'connecting';
}
