import type { IceServer, MediaTransport } from '@vident/protocol';

/*
 * TCP fallback through TURN. A page first reaches the media node directly over ICE-TCP; when that
 * does not work (a proxy or firewall that lets only TCP 443 out), it switches, once and for the
 * rest of the page's life, to the TURN servers its welcome named, over TCP/TLS: still no UDP on
 * the participant's side. Pure rules; the controller owns the timer and the rejoin.
 */

/** A direct leg still not connected this long after it was created has most likely been blocked. */
export const DIRECT_CONNECT_TIMEOUT_MS = 10_000;

/** RTCConfiguration of a leg for the page's current transport. */
export function legConfiguration(policy: RTCIceTransportPolicy, transport: MediaTransport, iceServers: readonly IceServer[]): RTCConfiguration {
  const base: RTCConfiguration = { bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
  // Direct legs get no TURN server at all: relay candidates would only be filtered out by the node.
  if (transport === 'direct') return { ...base, iceServers: [], iceTransportPolicy: policy };
  return {
    ...base,
    iceServers: iceServers.map((s) => ({ urls: [...s.urls], username: s.username, credential: s.credential })),
    iceTransportPolicy: 'relay',
  };
}

export interface FallbackInput {
  transport: MediaTransport;
  /** The welcome named at least one TURN server. */
  turnAvailable: boolean;
  /** The current legs were both connected at some point: a later break is a drop (rejoined as such), not a block. */
  everConnected: boolean;
  /** The legs' connection states (null: no such leg yet). */
  publisher: RTCPeerConnectionState | null;
  subscriber: RTCPeerConnectionState | null;
  /** ms since the oldest current leg was created (null: no leg). */
  legAgeMs: number | null;
}

/** Whether the page should now switch to `relay` and rejoin. */
export function shouldFallBackToRelay(input: FallbackInput): boolean {
  if (input.transport !== 'direct' || !input.turnAvailable || input.everConnected) return false;
  const states = [input.publisher, input.subscriber];
  if (states.includes('failed')) return true;
  const stuck = states.some((s) => s === 'new' || s === 'connecting');
  return stuck && input.legAgeMs !== null && input.legAgeMs >= DIRECT_CONNECT_TIMEOUT_MS;
}

/**
 * The page's transport and the state the fallback rule needs: the TURN servers of the last
 * welcome, when the current legs started, whether they ever both connected. `recheck` is called
 * when a direct attempt has been waiting DIRECT_CONNECT_TIMEOUT_MS, since a stuck leg fires no event.
 */
export class TransportChoice {
  current: MediaTransport = 'direct';
  private iceServers: IceServer[] = [];
  private legsStartedAt: number | null = null;
  private bothConnected = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly policy: RTCIceTransportPolicy,
    private readonly recheck: () => void,
  ) {}

  /** The TURN servers (with fresh credentials) of the latest welcome. */
  useIceServers(servers: readonly IceServer[]): void {
    this.iceServers = [...servers];
  }

  /** RTCConfiguration for a new leg. */
  configuration(): RTCConfiguration {
    return legConfiguration(this.policy, this.current, this.iceServers);
  }

  /** A new publisher leg: a new attempt on the current transport. */
  attemptStarted(now: number): void {
    this.legsStartedAt = now;
    this.bothConnected = false;
    clearTimeout(this.timer);
    if (this.current === 'direct' && this.iceServers.length > 0) this.timer = setTimeout(this.recheck, DIRECT_CONNECT_TIMEOUT_MS + 50);
  }

  /**
   * Looks at the legs; answers true once, when the page should switch to `relay` (it then has:
   * the caller drops its legs and publishes again).
   */
  switchNow(publisher: RTCPeerConnectionState | null, subscriber: RTCPeerConnectionState | null, now: number): boolean {
    if (publisher === 'connected' && subscriber === 'connected') this.bothConnected = true;
    const fallBack = shouldFallBackToRelay({
      transport: this.current,
      turnAvailable: this.iceServers.length > 0,
      everConnected: this.bothConnected,
      publisher,
      subscriber,
      legAgeMs: this.legsStartedAt === null ? null : now - this.legsStartedAt,
    });
    if (!fallBack) return false;
    clearTimeout(this.timer);
    this.current = 'relay';
    console.info(`vident: direct ICE-TCP did not connect (publisher ${publisher ?? '-'}, subscriber ${subscriber ?? '-'}); using TURN over TCP`);
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
