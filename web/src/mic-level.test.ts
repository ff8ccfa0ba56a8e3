import { describe, expect, it } from 'vitest';
import { levelFromTimeDomain, smoothLevel } from './mic-level.ts';

/** A byte time-domain frame of a sine at `amplitude` (0..1 of full scale), as AnalyserNode gives it. */
function sine(amplitude: number, length = 1024): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => Math.round(128 + 127 * amplitude * Math.sin((2 * Math.PI * i) / 64)));
}

describe('microphone level', () => {
  it('is 0 for silence and an empty frame, 100 near full scale', () => {
    expect(levelFromTimeDomain(new Uint8Array(1024).fill(128))).toBe(0);
    expect(levelFromTimeDomain(new Uint8Array(0))).toBe(0);
    expect(levelFromTimeDomain(sine(1))).toBeGreaterThanOrEqual(94);
  });

  it('grows with loudness and stays within 0..100', () => {
    const levels = [0.003, 0.01, 0.05, 0.2, 0.6].map((a) => levelFromTimeDomain(sine(a)));
    for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeGreaterThan(levels[i - 1]!);
    for (const l of levels) expect(l).toBeGreaterThanOrEqual(0);
    // Speech at about -20 dBFS sits in the upper half of the bar.
    expect(levelFromTimeDomain(sine(0.14))).toBeGreaterThan(50);
    expect(levelFromTimeDomain(Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 255 : 0)))).toBe(100);
  });

  it('rises at once and falls slowly', () => {
    expect(smoothLevel(10, 80)).toBe(80);
    expect(smoothLevel(80, 0)).toBe(64);
    expect(smoothLevel(0, 0)).toBe(0);
  });
});
