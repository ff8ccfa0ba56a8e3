import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, normalizeTimestamp } from './session-cursor.ts';

describe('session cursors', () => {
  it('round-trips every sort key', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(253402300799000), noInvalidDate: true }), fc.uuid(), (date, sessionId) => {
        const cursor = { createdAt: date.toISOString(), sessionId };
        expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
      }),
    );
  });

  it('answers null, never throws, for anything else', () => {
    for (const text of ['', '!!', 'e30', encodeCursor({ createdAt: 'yesterday', sessionId: 'x' }), 'x'.repeat(600), '____']) {
      expect(decodeCursor(text)).toBeNull();
    }
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (text) => decodeCursor(text) === null || typeof text === 'string'));
  });

  it('normalizes offsets and precision to the stored form', () => {
    expect(normalizeTimestamp('2026-01-01T09:00:00+09:00')).toBe('2026-01-01T00:00:00.000Z');
    expect(normalizeTimestamp('2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
  });
});
