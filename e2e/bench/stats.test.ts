import { describe, expect, it } from 'vitest';
import { median, pairedRatios } from './stats.ts';

describe('pairedRatios', () => {
  it('divides each pair and takes the ratios\' median, lowest and highest', () => {
    const r = pairedRatios([3000, 2000, 4500], [2000, 1000, 3000]);
    expect(r.ratios).toEqual([1.5, 2, 1.5]);
    expect(r.median).toBe(1.5);
    expect(r.min).toBe(1.5);
    expect(r.max).toBe(2);
  });

  it('leaves out a pair where either call failed, without shifting the others', () => {
    const r = pairedRatios([3000, null, 2400, 1000], [2000, 1000, null, 1000]);
    expect(r.ratios).toEqual([1.5, 1]);
    expect(r.median).toBe(1.25);
  });

  it('answers NaN without a pair that measured', () => {
    const r = pairedRatios([null], [1000]);
    expect(r.ratios).toEqual([]);
    expect(r.median).toBeNaN();
  });

  it('keeps each pair\'s load, where the sides\' medians mix calls made under different loads', () => {
    // Pairs 1 and 2 at a steady load (low, then twice as slow); in pair 3 the load doubles between its two calls.
    const full = [1500, 3000, 1500];
    const bare = [1000, 2000, 2000];
    expect(pairedRatios(full, bare).median).toBe(1.5);
    // The ratio of the sides' medians: 1500 / 2000.
    expect(median(full) / median(bare)).toBe(0.75);
  });
});
