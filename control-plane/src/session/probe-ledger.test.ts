import { describe, expect, it } from 'vitest';
import { probeRateCheck } from './probe-ledger.ts';

describe('probeRateCheck', () => {
  it('admits up to the limit within the window and says when the oldest slot frees', () => {
    const now = 100_000;
    expect(probeRateCheck([], now)).toEqual({ ok: true });
    const nine = Array.from({ length: 9 }, (_, i) => now - 50_000 + i * 1000);
    expect(probeRateCheck(nine, now)).toEqual({ ok: true });
    const ten = [...nine, now - 1000];
    expect(probeRateCheck(ten, now)).toEqual({ ok: false, retryAfterMs: 10_000 });
  });

  it('forgets probes older than the window', () => {
    const now = 1_000_000;
    const old = Array.from({ length: 20 }, () => now - 60_000);
    expect(probeRateCheck(old, now)).toEqual({ ok: true });
    expect(probeRateCheck([...old, now], now, 1)).toEqual({ ok: false, retryAfterMs: 60_000 });
  });
});
