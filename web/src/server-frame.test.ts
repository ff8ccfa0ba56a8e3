import { describe, expect, it } from 'vitest';
import { parseServerFrame } from './server-frame.ts';

describe('parseServerFrame', () => {
  it('accepts a valid welcome', () => {
    const frame = JSON.stringify({
      type: 'welcome',
      role: 'customer',
      session: {
        sessionId: '3f1c2a4e-8b7d-4c2e-9a1f-0123456789ab',
        state: 'waiting',
        customerName: '홍길동',
        locale: 'ko',
        record: true,
        startedAt: null,
        expiresAt: '2026-01-01T00:30:00.000Z',
        consent: 'pending',
      },
      peer: { role: 'agent', connected: false, audio: true, video: true },
    });
    const result = parseServerFrame(frame);
    expect(result.ok && result.message.type === 'welcome' && result.message.session.consent).toBe('pending');
  });

  it('accepts session-ended with its reason and duration', () => {
    const result = parseServerFrame(
      JSON.stringify({ type: 'session-ended', state: 'expired', reason: 'max_duration', endedAt: '2026-01-01T00:30:00.000Z', durationMs: 1800000 }),
    );
    expect(result).toEqual({
      ok: true,
      message: { type: 'session-ended', state: 'expired', reason: 'max_duration', endedAt: '2026-01-01T00:30:00.000Z', durationMs: 1800000 },
    });
  });

  it('reports binary, non-JSON and unknown frames instead of throwing', () => {
    expect(parseServerFrame(new ArrayBuffer(4))).toMatchObject({ ok: false, reason: 'not_text' });
    expect(parseServerFrame('{nope')).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(parseServerFrame('{"type":"future-thing"}')).toMatchObject({ ok: false, reason: 'unknown_message' });
    expect(parseServerFrame('{"type":"published"}')).toMatchObject({ ok: false, reason: 'unknown_message' });
    expect(parseServerFrame('null')).toMatchObject({ ok: false, reason: 'unknown_message' });
  });
});
