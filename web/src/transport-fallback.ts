import type { IceServer, MediaTransport } from '@vident/protocol';

/*
 * TCP fallback through TURN. A page first reaches the media node directly over ICE-TCP; when that
 * does not work (a proxy or firewall that lets only TCP 443 out), it switches, once and for the
 * rest of the page's life, to the TURN servers its welcome named, over TCP/TLS: still no UDP on
 * the participant's side. Pure rules; the controller owns the timer and the rejoin.
 */

/**
 * A direct leg still not connected this long after its ICE checks could begin (the publisher's
 * answer applied, the subscriber's answer made) has most likely been blocked. Counted from then,
 * not from the leg's creation: a slow answer from a loaded node is not a blocked network.
 */
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
  /** ms since each current leg's ICE checks could begin (null: no such leg, or not negotiated yet). */
  publisherAgeMs: number | null;
  subscriberAgeMs: number | null;
}

/** Whether the page should now switch to `relay` and rejoin. */
export function shouldFallBackToRelay(input: FallbackInput): boolean {
  if (input.transport !== 'direct' || !input.turnAvailable || input.everConnected) return false;
  if (input.publisher === 'failed' || input.subscriber === 'failed') return true;
  // Each leg by its own age: a subscriber offered long after the publish (the customer waited for
  // the agent) has had only its own time to connect.
  const stuck = (state: RTCPeerConnectionState | null, ageMs: number | null) =>
    (state === 'new' || state === 'connecting') && ageMs !== null && ageMs >= DIRECT_CONNECT_TIMEOUT_MS;
  return stuck(input.publisher, input.publisherAgeMs) || stuck(input.subscriber, input.subscriberAgeMs);
}

/**
 * The page's transport and the state the fallback rule needs: the TURN servers of the last
 * welcome, when the current legs started, whether they ever both connected. `recheck` is called
 * when a direct attempt has been waiting DIRECT_CONNECT_TIMEOUT_MS, since a stuck leg fires no event.
 */
export class TransportChoice {
  current: MediaTransport = 'direct';
  private iceServers: IceServer[] = [];
  private startedAt: Record<'publisher' | 'subscriber', number | null> = { publisher: null, subscriber: null };
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

  /** A new leg, not negotiated yet; a new publisher leg is a new attempt on the current transport. */
  legStarted(leg: 'publisher' | 'subscriber'): void {
    this.startedAt[leg] = null;
    if (leg === 'publisher') {
      this.startedAt.subscriber = null;
      this.bothConnected = false;
    }
  }

  /** The leg is negotiated: its ICE checks begin, and with them its time to connect directly. */
  checksStarted(leg: 'publisher' | 'subscriber', now: number): void {
    this.startedAt[leg] = now;
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
      publisherAgeMs: this.startedAt.publisher === null ? null : now - this.startedAt.publisher,
      subscriberAgeMs: this.startedAt.subscriber === null ? null : now - this.startedAt.subscriber,
    });
    if (!fallBack) return false;
    clearTimeout(this.timer);
    this.current = 'relay';
    const age = (leg: 'publisher' | 'subscriber') => (this.startedAt[leg] === null ? '' : ` after ${now - this.startedAt[leg]} ms`);
    console.info(`vident: direct ICE-TCP did not connect (publisher ${publisher ?? '-'}${age('publisher')}, subscriber ${subscriber ?? '-'}${age('subscriber')}); using TURN over TCP`);
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
