import { describe, expect, it } from 'vitest';
import { ClientMessage, GuidanceKind, MAX_CHAT_TEXT, ServerMessage } from './index.ts';

describe('in-call chat and guidance messages', () => {
  it('accepts chat text, trimmed, up to the limit', () => {
    expect(ClientMessage.parse({ type: 'chat', text: '  신분증 앞면을 보여 주세요  ' })).toEqual({ type: 'chat', text: '신분증 앞면을 보여 주세요' });
    expect(ClientMessage.safeParse({ type: 'chat', text: 'x'.repeat(MAX_CHAT_TEXT) }).success).toBe(true);
  });

  it('refuses empty, blank, oversized, non-string chat and extra fields', () => {
    for (const bad of [
      { type: 'chat', text: '' },
      { type: 'chat', text: ' \n\t ' },
      { type: 'chat', text: 'x'.repeat(MAX_CHAT_TEXT + 1) },
      { type: 'chat', text: 42 },
      { type: 'chat' },
      { type: 'chat', text: 'hi', from: 'agent' },
    ]) {
      expect(ClientMessage.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
  });

  it('accepts every guidance kind and nothing else', () => {
    for (const kind of GuidanceKind.options) expect(ClientMessage.safeParse({ type: 'guidance', kind }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'guidance', kind: 'say_hello' }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'guidance' }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'guidance', kind: 'clear', text: 'free text' }).success).toBe(false);
  });

  it('parses the server relays', () => {
    const at = '2026-11-24T01:00:00.000Z';
    expect(ServerMessage.parse({ type: 'chat', from: 'customer', text: '네', at })).toEqual({ type: 'chat', from: 'customer', text: '네', at });
    expect(ServerMessage.safeParse({ type: 'chat', from: 'bank', text: 'x', at }).success).toBe(false);
    expect(ServerMessage.safeParse({ type: 'chat', from: 'agent', text: 'x', at: 'yesterday' }).success).toBe(false);
    expect(ServerMessage.parse({ type: 'guidance', kind: 'tilt_card' })).toEqual({ type: 'guidance', kind: 'tilt_card' });
    expect(ServerMessage.safeParse({ type: 'guidance', kind: 'unknown' }).success).toBe(false);
  });
});
