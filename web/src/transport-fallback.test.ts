import { describe, expect, it } from 'vitest';
import { DIRECT_CONNECT_TIMEOUT_MS, legConfiguration, shouldFallBackToRelay, TransportChoice, type FallbackInput, type LegAttempt } from './transport-fallback.ts';

const turn = [{ urls: ['turn:10.0.0.1:443?transport=tcp'], username: '1700000000:abcd-customer', credential: 'c3VwZXI=' }];
const leg = (state: RTCPeerConnectionState, ageMs: number | null = 1000, everConnected = false): LegAttempt => ({ state, ageMs, everConnected });
const base: FallbackInput = { transport: 'direct', turnAvailable: true, publisher: leg('connecting'), subscriber: null };

describe('leg configuration', () => {
  it('direct legs use no TURN server and the configured policy', () => {
    expect(legConfiguration('all', 'direct', turn)).toEqual({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [], iceTransportPolicy: 'all' });
  });
  it('relay legs use only the TURN servers, relay candidates only', () => {
    const config = legConfiguration('all', 'relay', turn);
    expect(config.iceTransportPolicy).toBe('relay');
    expect(config.iceServers).toEqual([{ urls: ['turn:10.0.0.1:443?transport=tcp'], username: '1700000000:abcd-customer', credential: 'c3VwZXI=' }]);
  });
});

describe('fallback to TURN', () => {
  it('falls back when a direct leg that never connected failed', () => {
    expect(shouldFallBackToRelay({ ...base, publisher: leg('failed') })).toBe(true);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connected', 1000, true), subscriber: leg('failed') })).toBe(true);
  });
  it('falls back when a direct leg is still connecting after the timeout, not before', () => {
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connecting', DIRECT_CONNECT_TIMEOUT_MS - 1) })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connecting', DIRECT_CONNECT_TIMEOUT_MS) })).toBe(true);
  });
  it('judges a late subscriber leg by its own age, not the publisher\'s (a customer who waited for the agent)', () => {
    const waited = { ...base, publisher: leg('connected', 120_000, true) };
    expect(shouldFallBackToRelay({ ...waited, subscriber: leg('connecting', 500) })).toBe(false);
    expect(shouldFallBackToRelay({ ...waited, subscriber: leg('connecting', DIRECT_CONNECT_TIMEOUT_MS) })).toBe(true);
  });
  it('a leg that connected and then broke lost a path that worked: no switch, the watchdog rejoins', () => {
    // The customer alone in the call, its publisher connected once: a drop, not a blocked network.
    expect(shouldFallBackToRelay({ ...base, publisher: leg('failed', 60_000, true) })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connected', 60_000, true), subscriber: leg('failed', 30_000, true) })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connecting', 60_000, true), subscriber: leg('disconnected', 30_000, true) })).toBe(false);
  });
  it('never without TURN, never twice, never for healthy or absent legs', () => {
    const failed = { ...base, publisher: leg('failed') };
    expect(shouldFallBackToRelay({ ...failed, turnAvailable: false })).toBe(false);
    expect(shouldFallBackToRelay({ ...failed, transport: 'relay' })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('connected', 60_000, true), subscriber: leg('connected', 60_000, true) })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: null, subscriber: null })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: leg('new', null) })).toBe(false);
  });
});

describe('the direct attempt\'s clock', () => {
  const choice = () => {
    const c = new TransportChoice('all', () => undefined);
    c.useIceServers(turn);
    return c;
  };
  it('starts when the leg is negotiated, not when it is created: a slow answer from a loaded node is no block', () => {
    const c = choice();
    c.legStarted('publisher');
    // The answer took longer than the timeout: nothing to judge before it came.
    expect(c.switchNow('new', null, DIRECT_CONNECT_TIMEOUT_MS * 2)).toBe(false);
    c.checksStarted('publisher', DIRECT_CONNECT_TIMEOUT_MS * 2);
    expect(c.switchNow('connecting', null, DIRECT_CONNECT_TIMEOUT_MS * 3 - 1)).toBe(false);
    expect(c.switchNow('connecting', null, DIRECT_CONNECT_TIMEOUT_MS * 3)).toBe(true);
    expect(c.current).toBe('relay');
    c.stop();
  });
  it('judges the subscriber leg from its own answer, and a new publish starts both clocks over', () => {
    const c = choice();
    c.legStarted('publisher');
    c.checksStarted('publisher', 0);
    expect(c.switchNow('connected', null, 1_000)).toBe(false);
    c.legStarted('subscriber');
    expect(c.switchNow('connected', 'new', 60_000)).toBe(false);
    c.checksStarted('subscriber', 60_000);
    expect(c.switchNow('connected', 'connecting', 60_000 + DIRECT_CONNECT_TIMEOUT_MS - 1)).toBe(false);
    c.legStarted('publisher');
    expect(c.switchNow('new', 'connecting', 60_000 + DIRECT_CONNECT_TIMEOUT_MS * 5)).toBe(false);
    c.stop();
  });
  it('still switches at once when a negotiated direct leg failed', () => {
    const c = choice();
    c.legStarted('publisher');
    expect(c.switchNow('failed', null, 5)).toBe(true);
    c.stop();
  });
  it('a lone publisher that connected and then failed stays direct (the watchdog rejoins); a new publish is judged afresh', () => {
    const c = choice();
    c.legStarted('publisher');
    c.checksStarted('publisher', 0);
    expect(c.switchNow('connected', null, 200)).toBe(false);
    expect(c.switchNow('failed', null, 120_000)).toBe(false);
    expect(c.current).toBe('direct');
    // The rejoin's new publisher leg never connects: that is a block.
    c.legStarted('publisher');
    c.checksStarted('publisher', 121_000);
    expect(c.switchNow('failed', null, 121_500)).toBe(true);
    expect(c.current).toBe('relay');
    c.stop();
  });
  it('rescues a subscriber stuck in connecting beside a connected publisher, also one offered again after both had connected', () => {
    const c = choice();
    c.legStarted('publisher');
    c.checksStarted('publisher', 0);
    c.legStarted('subscriber');
    c.checksStarted('subscriber', 100);
    expect(c.switchNow('connected', 'connected', 300)).toBe(false);
    // The agent rejoined: a new subscriber leg, judged by its own history and clock.
    c.legStarted('subscriber');
    c.checksStarted('subscriber', 50_000);
    expect(c.switchNow('connected', 'connecting', 50_000 + DIRECT_CONNECT_TIMEOUT_MS - 1)).toBe(false);
    expect(c.switchNow('connected', 'connecting', 50_000 + DIRECT_CONNECT_TIMEOUT_MS)).toBe(true);
    c.stop();
  });
});
