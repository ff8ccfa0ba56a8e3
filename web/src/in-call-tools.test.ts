import { GuidanceKind, MAX_CHAT_TEXT } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { appendChat, chatDraft, GUIDANCE_TTL_MS, isOwnMessage, receiveGuidance, visibleGuidance, type ChatEntry } from './in-call-tools.ts';

const at = '2026-11-24T01:00:00.000Z';

describe('chat', () => {
  it('keeps the newest messages up to the limit without mutating the history', () => {
    const history: ChatEntry[] = [];
    let h = history;
    for (let i = 0; i < 5; i++) h = appendChat(h, { from: i % 2 ? 'agent' : 'customer', text: `m${i}`, at }, 3);
    expect(history).toEqual([]);
    expect(h.map((e) => e.text)).toEqual(['m2', 'm3', 'm4']);
  });

  it('sends only what the server would accept, trimmed', () => {
    expect(chatDraft('  hello ')).toBe('hello');
    expect(chatDraft(' \n ')).toBeNull();
    expect(chatDraft('')).toBeNull();
    expect(chatDraft('가'.repeat(MAX_CHAT_TEXT))).toHaveLength(MAX_CHAT_TEXT);
    expect(chatDraft('가'.repeat(MAX_CHAT_TEXT + 1))).toBeNull();
  });

  it('tells own messages from the other party’s', () => {
    expect(isOwnMessage({ from: 'agent', text: 'x', at }, 'agent')).toBe(true);
    expect(isOwnMessage({ from: 'agent', text: 'x', at }, 'customer')).toBe(false);
  });
});

describe('guidance overlay', () => {
  it('shows each instruction for ten seconds', () => {
    for (const kind of GuidanceKind.options.filter((k) => k !== 'clear')) {
      const shown = receiveGuidance(kind, 1000);
      expect(shown).toEqual({ kind, until: 1000 + GUIDANCE_TTL_MS });
      expect(visibleGuidance(shown, 1000 + GUIDANCE_TTL_MS - 1)).toEqual(shown);
      expect(visibleGuidance(shown, 1000 + GUIDANCE_TTL_MS)).toBeNull();
    }
  });

  it('is removed by clear and replaced by a newer instruction', () => {
    expect(receiveGuidance('clear', 1000)).toBeNull();
    expect(visibleGuidance(null, 0)).toBeNull();
    const first = receiveGuidance('tilt_card', 0);
    const second = receiveGuidance('more_light', 9000);
    expect(visibleGuidance(second, 12_000)).toEqual({ kind: 'more_light', until: 19_000 });
    expect(visibleGuidance(first, 12_000)).toBeNull();
  });
});
