import { describe, expect, it } from 'vitest';
import { MEDIA_LOSS_REPEAT_MS, MEDIA_LOSS_WINDOW_MS, noteMediaLost } from './media-loss.ts';
import type { ParticipantRecord } from './session-record.ts';

const participant = (published = true): ParticipantRecord => ({
  connectionId: 'c',
  joinedAt: null,
  leftAt: null,
  published,
  publisherUp: true,
  subscribed: true,
  audio: true,
  video: true,
  graceEndsAt: null,
});

describe('media lost on both sides', () => {
  it('leaves the node when both participants lose their media within the window', () => {
    const ps = { customer: participant(), agent: participant() };
    expect(noteMediaLost(ps, 'customer', 1_000)).toEqual({ counted: true, leaveNode: false });
    expect(noteMediaLost(ps, 'agent', 1_000 + MEDIA_LOSS_WINDOW_MS)).toEqual({ counted: true, leaveNode: true });
  });

  it('stays when only one side keeps losing it, or the other side lost it long ago', () => {
    const ps = { customer: participant(), agent: participant() };
    noteMediaLost(ps, 'customer', 0);
    expect(noteMediaLost(ps, 'customer', 10_000).leaveNode).toBe(false);
    expect(noteMediaLost(ps, 'agent', 10_000 + MEDIA_LOSS_WINDOW_MS + 1).leaveNode).toBe(false);
  });

  it('ignores a report without a publish on the current node, and a page repeating itself', () => {
    const ps = { customer: participant(false), agent: participant() };
    expect(noteMediaLost(ps, 'customer', 0)).toEqual({ counted: false, leaveNode: false });
    expect(ps.customer.mediaLostAt).toBeUndefined();
    expect(noteMediaLost(ps, 'agent', 0).counted).toBe(true);
    expect(noteMediaLost(ps, 'agent', MEDIA_LOSS_REPEAT_MS - 1).counted).toBe(false);
    expect(noteMediaLost(ps, 'agent', MEDIA_LOSS_REPEAT_MS).counted).toBe(true);
  });
});
