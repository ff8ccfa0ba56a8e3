import { describe, expect, it } from 'vitest';
import { elapsedSince, formatDuration } from './call-timer.ts';

describe('formatDuration', () => {
  it('formats mm:ss, rounding down', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(999)).toBe('00:00');
    expect(formatDuration(61_500)).toBe('01:01');
    expect(formatDuration(59 * 60_000 + 59_999)).toBe('59:59');
  });
  it('adds hours past an hour', () => {
    expect(formatDuration(3_600_000)).toBe('01:00:00');
    expect(formatDuration(3_723_000)).toBe('01:02:03');
  });
  it('never shows negative or NaN', () => {
    expect(formatDuration(-5000)).toBe('00:00');
    expect(formatDuration(Number.NaN)).toBe('00:00');
  });
});

describe('elapsedSince', () => {
  const now = Date.parse('2026-01-01T00:01:05.000Z');
  it('measures from an ISO timestamp', () => {
    expect(elapsedSince('2026-01-01T00:00:00.000Z', now)).toBe(65_000);
  });
  it('is 0 without a start, with garbage, or with a start in the future (clock skew)', () => {
    expect(elapsedSince(null, now)).toBe(0);
    expect(elapsedSince('yesterday', now)).toBe(0);
    expect(elapsedSince('2026-01-01T00:02:00.000Z', now)).toBe(0);
  });
});
