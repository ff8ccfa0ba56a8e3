import { describe, expect, it } from 'vitest';
import { isFatalServerError, reconnectDelayMs, shouldReconnect } from './reconnect-policy.ts';

describe('reconnectDelayMs', () => {
  it('backs off exponentially up to 8 s, then gives up', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(reconnectDelayMs(7)).toBeNull();
    expect(reconnectDelayMs(0)).toBeNull();
  });
});

describe('shouldReconnect', () => {
  it('retries abnormal closes and not deliberate ones', () => {
    expect(shouldReconnect(1006)).toBe(true);
    expect(shouldReconnect(1011)).toBe(true);
    expect(shouldReconnect(1001)).toBe(true);
    expect(shouldReconnect(1000)).toBe(false);
    expect(shouldReconnect(1008)).toBe(false);
    expect(shouldReconnect(4401)).toBe(false);
  });
});

describe('isFatalServerError', () => {
  it('stops on auth and session problems, not on transient media ones', () => {
    expect(isFatalServerError('token_expired')).toBe(true);
    expect(isFatalServerError('token_revoked')).toBe(true);
    expect(isFatalServerError('session_ended')).toBe(true);
    expect(isFatalServerError('media_node_error')).toBe(false);
    expect(isFatalServerError('validation_failed')).toBe(false);
  });
});
