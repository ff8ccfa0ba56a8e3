import { describe, expect, it } from 'vitest';
import { LEG_DISCONNECTED_GRACE_MS, LEG_FAILED_GRACE_MS, MAX_MEDIA_RESTARTS, MediaRestartBudget, mediaRestartDelayMs } from './media-watchdog.ts';

describe('mediaRestartDelayMs', () => {
  it('leaves healthy, starting or absent legs alone', () => {
    expect(mediaRestartDelayMs('connected', 'connected')).toBeNull();
    expect(mediaRestartDelayMs('connecting', null)).toBeNull();
    expect(mediaRestartDelayMs(null, null)).toBeNull();
    expect(mediaRestartDelayMs('new', 'closed')).toBeNull();
  });
  it('gives a disconnected leg a few seconds to recover by itself', () => {
    expect(mediaRestartDelayMs('disconnected', 'connected')).toBe(LEG_DISCONNECTED_GRACE_MS);
    expect(mediaRestartDelayMs('connected', 'disconnected')).toBe(LEG_DISCONNECTED_GRACE_MS);
    expect(LEG_DISCONNECTED_GRACE_MS).toBeGreaterThanOrEqual(2000);
  });
  it('rejoins soon for a failed leg, whatever the other one does', () => {
    expect(mediaRestartDelayMs('failed', 'connected')).toBe(LEG_FAILED_GRACE_MS);
    expect(mediaRestartDelayMs('disconnected', 'failed')).toBe(LEG_FAILED_GRACE_MS);
  });
});

describe('MediaRestartBudget', () => {
  it(`allows ${MAX_MEDIA_RESTARTS} rejoins in a row, and starts over once media is healthy`, () => {
    const budget = new MediaRestartBudget();
    for (let i = 0; i < MAX_MEDIA_RESTARTS; i++) expect(budget.take()).toBe(true);
    expect(budget.take()).toBe(false);
    expect(budget.exhausted).toBe(true);
    budget.healthy();
    expect(budget.exhausted).toBe(false);
    expect(budget.take()).toBe(true);
  });
});
