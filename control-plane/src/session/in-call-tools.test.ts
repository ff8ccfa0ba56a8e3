import { GuidanceKind, ServerMessage } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { IN_CALL_BURST, IN_CALL_WINDOW_MS, InCallRateLimit, inCallStep } from './in-call-tools.ts';

const at = '2026-11-24T01:00:00.000Z';

describe('inCallStep', () => {
  it('relays chat from either role to both, audited with its author and text', () => {
    for (const role of ['customer', 'agent'] as const) {
      const step = inCallStep(role, { type: 'chat', text: '안녕하세요' }, at);
      expect(step).toEqual({
        kind: 'relay',
        action: 'chat.message',
        detail: { from: role, text: '안녕하세요' },
        deliveries: [
          { to: 'customer', message: { type: 'chat', from: role, text: '안녕하세요', at } },
          { to: 'agent', message: { type: 'chat', from: role, text: '안녕하세요', at } },
        ],
      });
      if (step.kind === 'relay') for (const d of step.deliveries) expect(ServerMessage.safeParse(d.message).success).toBe(true);
    }
  });

  it('sends every guidance kind from the agent to the customer only', () => {
    for (const kind of GuidanceKind.options) {
      expect(inCallStep('agent', { type: 'guidance', kind }, at)).toEqual({
        kind: 'relay',
        action: 'guidance.sent',
        detail: { kind },
        deliveries: [{ to: 'customer', message: { type: 'guidance', kind } }],
      });
    }
  });

  it('refuses guidance from the customer', () => {
    expect(inCallStep('customer', { type: 'guidance', kind: 'tilt_card' }, at)).toMatchObject({ kind: 'refuse', code: 'forbidden' });
  });
});

describe('InCallRateLimit', () => {
  it(`allows ${IN_CALL_BURST} per window per key (the relay's key is the role), then refuses until the window slides`, () => {
    const limit = new InCallRateLimit();
    const t0 = 1_000_000;
    for (let i = 0; i < IN_CALL_BURST; i++) expect(limit.allow('a', t0 + i)).toBe(true);
    expect(limit.allow('a', t0 + 10)).toBe(false);
    // Refusals take no budget: the oldest send leaving the window frees exactly one slot.
    expect(limit.allow('a', t0 + IN_CALL_WINDOW_MS - 1)).toBe(false);
    expect(limit.allow('a', t0 + IN_CALL_WINDOW_MS)).toBe(true);
    expect(limit.allow('a', t0 + IN_CALL_WINDOW_MS)).toBe(false);
    // Another key has its own budget.
    expect(limit.allow('b', t0 + 10)).toBe(true);
  });

});
