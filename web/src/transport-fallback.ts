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

type Leg = 'publisher' | 'subscriber';

/** One current leg as the fallback rule sees it. */
export interface LegAttempt {
  state: RTCPeerConnectionState;
  /** ms since its ICE checks could begin (null: not negotiated yet). */
  ageMs: number | null;
  /** It reached `connected` on this transport: its later break is a drop (rejoined as such), not a block. */
  everConnected: boolean;
}

export interface FallbackInput {
  transport: MediaTransport;
  /** The welcome named at least one TURN server. */
  turnAvailable: boolean;
  /** The current legs (null: no such leg yet). */
  publisher: LegAttempt | null;
  subscriber: LegAttempt | null;
}

/**
 * Whether the page should now switch to `relay` and rejoin: a direct leg that never connected
 * failed, or is still trying after DIRECT_CONNECT_TIMEOUT_MS. Each leg is judged by its own
 * history: a lone publisher that connected and then failed (a customer waiting for the agent
 * when the node went away) lost a path that worked, which the watchdog's rejoin recovers; a
 * subscriber that never connects beside a connected publisher is rescued by the switch, since
 * nothing else acts on a leg stuck in `connecting`.
 */
export function shouldFallBackToRelay(input: FallbackInput): boolean {
  if (input.transport !== 'direct' || !input.turnAvailable) return false;
  // Each leg by its own age: a subscriber offered long after the publish (the customer waited for
  // the agent) has had only its own time to connect.
  const blocked = (leg: LegAttempt | null) =>
    leg !== null &&
    !leg.everConnected &&
    (leg.state === 'failed' || ((leg.state === 'new' || leg.state === 'connecting') && leg.ageMs !== null && leg.ageMs >= DIRECT_CONNECT_TIMEOUT_MS));
  return blocked(input.publisher) || blocked(input.subscriber);
}

/**
 * The page's transport and the state the fallback rule needs: the TURN servers of the last
 * welcome, when each current leg started, whether it ever connected. `recheck` is called
 * when a direct attempt has been waiting DIRECT_CONNECT_TIMEOUT_MS, since a stuck leg fires no event.
 */
export class TransportChoice {
  current: MediaTransport = 'direct';
  private iceServers: IceServer[] = [];
  private startedAt: Record<Leg, number | null> = { publisher: null, subscriber: null };
  private connected: Record<Leg, boolean> = { publisher: false, subscriber: false };
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
  legStarted(leg: Leg): void {
    this.startedAt[leg] = null;
    this.connected[leg] = false;
    if (leg === 'publisher') {
      this.startedAt.subscriber = null;
      this.connected.subscriber = false;
    }
  }

  /** The leg is negotiated: its ICE checks begin, and with them its time to connect directly. */
  checksStarted(leg: Leg, now: number): void {
    this.startedAt[leg] = now;
    clearTimeout(this.timer);
    if (this.current === 'direct' && this.iceServers.length > 0) this.timer = setTimeout(this.recheck, DIRECT_CONNECT_TIMEOUT_MS + 50);
  }

  /**
   * Looks at the legs; answers true once, when the page should switch to `relay` (it then has:
   * the caller drops its legs and publishes again).
   */
  switchNow(publisher: RTCPeerConnectionState | null, subscriber: RTCPeerConnectionState | null, now: number): boolean {
    const attempt = (leg: Leg, state: RTCPeerConnectionState | null): LegAttempt | null => {
      if (state === null) return null;
      if (state === 'connected') this.connected[leg] = true;
      const started = this.startedAt[leg];
      return { state, ageMs: started === null ? null : now - started, everConnected: this.connected[leg] };
    };
    const fallBack = shouldFallBackToRelay({
      transport: this.current,
      turnAvailable: this.iceServers.length > 0,
      publisher: attempt('publisher', publisher),
      subscriber: attempt('subscriber', subscriber),
    });
    if (!fallBack) return false;
    clearTimeout(this.timer);
    this.current = 'relay';
    const age = (leg: Leg) => (this.startedAt[leg] === null ? '' : ` after ${now - this.startedAt[leg]} ms`);
    console.info(`vident: direct ICE-TCP did not connect (publisher ${publisher ?? '-'}${age('publisher')}, subscriber ${subscriber ?? '-'}${age('subscriber')}); using TURN over TCP`);
    return true;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
