import { describe, expect, it } from 'vitest';
import { DIRECT_CONNECT_TIMEOUT_MS, legConfiguration, shouldFallBackToRelay, TransportChoice, type FallbackInput } from './transport-fallback.ts';

const turn = [{ urls: ['turn:10.0.0.1:443?transport=tcp'], username: '1700000000:abcd-customer', credential: 'c3VwZXI=' }];
const base: FallbackInput = {
  transport: 'direct',
  turnAvailable: true,
  everConnected: false,
  publisher: 'connecting',
  subscriber: null,
  publisherAgeMs: 1000,
  subscriberAgeMs: null,
};

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
  it('falls back when a direct leg failed', () => {
    expect(shouldFallBackToRelay({ ...base, publisher: 'failed' })).toBe(true);
    expect(shouldFallBackToRelay({ ...base, publisher: 'connected', subscriber: 'failed' })).toBe(true);
  });
  it('falls back when a direct leg is still connecting after the timeout, not before', () => {
    expect(shouldFallBackToRelay({ ...base, publisherAgeMs: DIRECT_CONNECT_TIMEOUT_MS - 1 })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisherAgeMs: DIRECT_CONNECT_TIMEOUT_MS })).toBe(true);
  });
  it('judges a late subscriber leg by its own age, not the publisher\'s (a customer who waited for the agent)', () => {
    const waited = { ...base, publisher: 'connected' as const, publisherAgeMs: 120_000, subscriber: 'connecting' as const };
    expect(shouldFallBackToRelay({ ...waited, subscriberAgeMs: 500 })).toBe(false);
    expect(shouldFallBackToRelay({ ...waited, subscriberAgeMs: DIRECT_CONNECT_TIMEOUT_MS })).toBe(true);
  });
  it('never without TURN, never twice, never once the direct path worked, never for healthy legs', () => {
    const failed = { ...base, publisher: 'failed' as const };
    expect(shouldFallBackToRelay({ ...failed, turnAvailable: false })).toBe(false);
    expect(shouldFallBackToRelay({ ...failed, transport: 'relay' })).toBe(false);
    expect(shouldFallBackToRelay({ ...failed, everConnected: true })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: 'connected', subscriber: 'connected', publisherAgeMs: 60_000, subscriberAgeMs: 60_000 })).toBe(false);
    expect(shouldFallBackToRelay({ ...base, publisher: null, subscriber: null, publisherAgeMs: null })).toBe(false);
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
});
