import { describe, expect, it } from 'vitest';
import { SessionRegistry } from './session-registry.ts';

const S = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('SessionRegistry', () => {
  it('adds sessions idempotently and keeps the first record flag', () => {
    const registry = new SessionRegistry<string>();
    expect(registry.addSession(S, true)).toBe(true);
    expect(registry.addSession(S, false)).toBe(false);
    expect(registry.isRecorded(S)).toBe(true);
    expect(registry.counts()).toEqual({ sessions: 1, publishers: 0, subscribers: 0 });
  });

  it('tracks legs, returns the replaced handle and counts them', () => {
    const registry = new SessionRegistry<string>();
    registry.addSession(S, false);
    expect(registry.setLeg(S, 'customer', 'publisher', 'h1')).toBeUndefined();
    expect(registry.setLeg(S, 'customer', 'publisher', 'h2')).toBe('h1');
    registry.setLeg(S, 'agent', 'subscriber', 'h3');
    expect(registry.getLeg(S, 'customer', 'publisher')).toBe('h2');
    expect(registry.getLeg(S, 'agent', 'publisher')).toBeUndefined();
    expect(registry.counts()).toEqual({ sessions: 1, publishers: 1, subscribers: 1 });
  });

  it('clearLeg only clears the handle it is given', () => {
    const registry = new SessionRegistry<string>();
    registry.addSession(S, false);
    registry.setLeg(S, 'customer', 'publisher', 'new');
    registry.clearLeg(S, 'customer', 'publisher', 'old');
    expect(registry.getLeg(S, 'customer', 'publisher')).toBe('new');
    registry.clearLeg(S, 'customer', 'publisher', 'new');
    expect(registry.getLeg(S, 'customer', 'publisher')).toBeUndefined();
  });

  it('refuses legs for unknown sessions', () => {
    expect(() => new SessionRegistry<string>().setLeg(S, 'agent', 'publisher', 'h')).toThrow(/unknown session/);
  });

  it('removes participants and sessions, returning their handles', () => {
    const registry = new SessionRegistry<string>();
    registry.addSession(S, true);
    registry.setLeg(S, 'customer', 'publisher', 'p');
    registry.setLeg(S, 'customer', 'subscriber', 's');
    registry.setLeg(S, 'agent', 'publisher', 'a');
    expect(registry.removeParticipant(S, 'customer')).toEqual({ publisher: 'p', subscriber: 's' });
    expect(registry.removeParticipant(S, 'customer')).toBeUndefined();
    expect(registry.removeParticipant('unknown', 'agent')).toBeUndefined();
    const rest = registry.removeSession(S);
    expect([...(rest ?? new Map()).entries()]).toEqual([['agent', { publisher: 'a' }]]);
    expect(registry.hasSession(S)).toBe(false);
    expect(registry.counts()).toEqual({ sessions: 0, publishers: 0, subscribers: 0 });
  });

  it('clearHandles keeps sessions but forgets handles', () => {
    const registry = new SessionRegistry<string>();
    registry.addSession(S, false);
    registry.setLeg(S, 'agent', 'publisher', 'a');
    registry.clearHandles();
    expect(registry.hasSession(S)).toBe(true);
    expect(registry.counts()).toEqual({ sessions: 1, publishers: 0, subscribers: 0 });
  });
});
