import { EndReason } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { backToQueueHref, endOutcome } from './end-summary.ts';

describe('endOutcome', () => {
  it('ticks only an approval', () => {
    expect(endOutcome('approved')).toBe('approved');
    expect(endOutcome('rejected')).toBe('rejected');
    for (const reason of EndReason.options.filter((r) => r !== 'approved' && r !== 'rejected')) expect(endOutcome(reason)).toBe('other');
  });
});

describe('backToQueueHref', () => {
  it('leads an agent from the console back to it, token in the fragment', () => {
    expect(backToQueueHref('agent', 'desk.abc+/=')).toBe('/agent#token=desk.abc%2B%2F%3D');
  });
  it('is absent for the customer and for agents who did not come from the console', () => {
    expect(backToQueueHref('customer', 'desk.abc')).toBeNull();
    expect(backToQueueHref('agent', null)).toBeNull();
    expect(backToQueueHref('agent', '  ')).toBeNull();
  });
});
