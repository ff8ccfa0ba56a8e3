import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage } from '@vident/protocol';
import type { LegPair, LegState } from './media-legs.ts';
import { MediaRecovery } from './media-recovery.ts';
import { LEG_FAILED_GRACE_MS, MAX_MEDIA_RESTARTS } from './media-watchdog.ts';
import { DIRECT_CONNECT_TIMEOUT_MS, TransportChoice } from './transport-fallback.ts';

const turn = [{ urls: ['turn:10.0.0.1:443?transport=tcp'], username: '1700000000:abcd-customer', credential: 'c3VwZXI=' }];

/** A page's legs and what recovery did to them. */
function page() {
  let legs: LegPair = { publisher: null, subscriber: null };
  const did = { rejoins: 0, republishes: 0, sent: [] as ClientMessage[] };
  const transport = new TransportChoice('all', () => undefined);
  transport.useIceServers(turn);
  const recovery = new MediaRecovery(transport, {
    legs: () => legs,
    isOver: () => false,
    send: (m) => (did.sent.push(m), true),
    republish: () => void did.republishes++,
    rejoin: () => void did.rejoins++,
    onChange: () => undefined,
  });
  /** A new publisher leg (as a publish or rejoin makes), negotiated at once. */
  const publish = (): { state: RTCPeerConnectionState } => {
    const leg: { state: RTCPeerConnectionState } = { state: 'new' };
    transport.legStarted('publisher');
    transport.checksStarted('publisher', Date.now());
    legs = { publisher: leg as LegState, subscriber: null };
    return leg;
  };
  return { transport, recovery, did, publish, set: (state: RTCPeerConnectionState, leg: { state: RTCPeerConnectionState }) => ((leg.state = state), recovery.watch()) };
}

describe('media recovery of a customer alone in the call', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rejoins on the direct path when its connected publisher fails (a drop, not a blocked network)', () => {
    const p = page();
    const leg = p.publish();
    p.set('connecting', leg);
    p.set('connected', leg);
    vi.advanceTimersByTime(60_000);
    p.set('failed', leg);
    vi.advanceTimersByTime(LEG_FAILED_GRACE_MS);
    expect(p.transport.current).toBe('direct');
    expect(p.did).toMatchObject({ rejoins: 1, republishes: 0 });
    // Both legs never ran together: nothing the server could act on was lost.
    expect(p.did.sent).toEqual([]);
    p.transport.stop();
  });

  it('switches to TURN when the rejoin\'s publisher never connects directly', () => {
    const p = page();
    const first = p.publish();
    p.set('connected', first);
    p.set('failed', first);
    vi.advanceTimersByTime(LEG_FAILED_GRACE_MS);
    const second = p.publish();
    p.set('connecting', second);
    vi.advanceTimersByTime(DIRECT_CONNECT_TIMEOUT_MS);
    p.recovery.watch();
    expect(p.transport.current).toBe('relay');
    expect(p.did).toMatchObject({ rejoins: 1, republishes: 1 });
    p.transport.stop();
  });

  it('keeps rejoining a long wait\'s drops: a lone publisher that connected again restores the budget', () => {
    const p = page();
    for (let drop = 0; drop < MAX_MEDIA_RESTARTS + 2; drop++) {
      const leg = p.publish();
      p.set('connected', leg);
      vi.advanceTimersByTime(30_000);
      p.set('failed', leg);
      vi.advanceTimersByTime(LEG_FAILED_GRACE_MS);
    }
    expect(p.did.rejoins).toBe(MAX_MEDIA_RESTARTS + 2);
    expect(p.recovery.gaveUp).toBe(false);
    p.transport.stop();
  });
});
