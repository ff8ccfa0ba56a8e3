import { describe, expect, it } from 'vitest';
import { deriveConnectionStatus, type ConnectionInputs } from './connection-status.ts';

const inCall: ConnectionInputs = {
  socket: 'open',
  joined: true,
  peerPresent: true,
  publisher: 'connected',
  subscriber: 'connected',
  ended: false,
  fatal: false,
  mediaGaveUp: false,
  recovering: false,
};

describe('deriveConnectionStatus', () => {
  it('is connected only when both legs are connected with the peer present', () => {
    expect(deriveConnectionStatus(inCall)).toBe('connected');
    expect(deriveConnectionStatus({ ...inCall, subscriber: null })).toBe('connecting');
    expect(deriveConnectionStatus({ ...inCall, subscriber: 'connecting' })).toBe('connecting');
  });
  it('is connecting before the socket opens or before welcome', () => {
    expect(deriveConnectionStatus({ ...inCall, socket: 'idle', joined: false })).toBe('connecting');
    expect(deriveConnectionStatus({ ...inCall, socket: 'connecting', joined: false })).toBe('connecting');
    expect(deriveConnectionStatus({ ...inCall, joined: false })).toBe('connecting');
  });
  it('is waiting while the other party is absent', () => {
    expect(deriveConnectionStatus({ ...inCall, peerPresent: false, subscriber: null })).toBe('waiting');
  });
  it('is reconnecting while the socket retries or a leg is disconnected', () => {
    expect(deriveConnectionStatus({ ...inCall, socket: 'retrying', joined: false })).toBe('reconnecting');
    expect(deriveConnectionStatus({ ...inCall, publisher: 'disconnected' })).toBe('reconnecting');
  });
  it('stays reconnecting after an interruption until both legs are connected again', () => {
    expect(deriveConnectionStatus({ ...inCall, recovering: true, publisher: 'connecting', subscriber: null })).toBe('reconnecting');
    expect(deriveConnectionStatus({ ...inCall, recovering: true })).toBe('connected');
    // The other party is gone meanwhile: say so rather than "reconnecting".
    expect(deriveConnectionStatus({ ...inCall, recovering: true, peerPresent: false, subscriber: null })).toBe('waiting');
  });
  it('is reconnecting while a failed leg is being rejoined', () => {
    expect(deriveConnectionStatus({ ...inCall, subscriber: 'failed' })).toBe('reconnecting');
    expect(deriveConnectionStatus({ ...inCall, publisher: 'failed', subscriber: 'disconnected' })).toBe('reconnecting');
  });
  it('is failed when a leg fails after the page gave up rejoining, the socket is closed for good, or the controller gave up', () => {
    expect(deriveConnectionStatus({ ...inCall, subscriber: 'failed', mediaGaveUp: true })).toBe('failed');
    expect(deriveConnectionStatus({ ...inCall, socket: 'closed' })).toBe('failed');
    expect(deriveConnectionStatus({ ...inCall, fatal: true })).toBe('failed');
  });
  it('ended wins over everything', () => {
    expect(deriveConnectionStatus({ ...inCall, ended: true, fatal: true, publisher: 'failed' })).toBe('ended');
  });
});
