import { describe, expect, it } from 'vitest';
import { DIRECT_CONNECT_TIMEOUT_MS, legConfiguration, shouldFallBackToRelay, type FallbackInput } from './transport-fallback.ts';

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
