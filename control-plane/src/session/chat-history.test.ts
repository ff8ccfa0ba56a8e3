import { describe, expect, it } from 'vitest';
import { chatReplay } from './chat-history.ts';

describe('chatReplay', () => {
  it('turns audit rows (newest first) into chat messages, oldest first', () => {
    const rows = [
      { at: '2026-01-01T00:00:02.000Z', detail: JSON.stringify({ from: 'customer', text: 'Here it is' }) },
      { at: '2026-01-01T00:00:01.000Z', detail: JSON.stringify({ from: 'agent', text: '신분증 앞면을 보여 주세요' }) },
    ];
    expect(chatReplay(rows)).toEqual([
      { type: 'chat', from: 'agent', text: '신분증 앞면을 보여 주세요', at: '2026-01-01T00:00:01.000Z' },
      { type: 'chat', from: 'customer', text: 'Here it is', at: '2026-01-01T00:00:02.000Z' },
    ]);
  });

  it('skips rows that do not read as a chat message', () => {
    const rows = [
      { at: '2026-01-01T00:00:03.000Z', detail: '{not json' },
      { at: '2026-01-01T00:00:02.000Z', detail: JSON.stringify({ from: 'bank', text: 'x' }) },
      { at: '2026-01-01T00:00:01.000Z', detail: JSON.stringify({ from: 'agent', text: '   ' }) },
      { at: '2026-01-01T00:00:00.000Z', detail: JSON.stringify({ from: 'agent', text: 'ok' }) },
    ];
    expect(chatReplay(rows)).toEqual([{ type: 'chat', from: 'agent', text: 'ok', at: '2026-01-01T00:00:00.000Z' }]);
  });
});
