import { describe, expect, it } from 'vitest';
import { ClientMessage, CreateSessionRequest, endReasonOf, isTerminalState, NodeCommand, NodeEvent, ServerMessage, UpdateSessionRequest } from './index.ts';

describe('bank API bodies', () => {
  it('fills defaults: locale ko, record true, empty metadata', () => {
    const parsed = CreateSessionRequest.parse({ externalRef: 'ACC-1', customerName: '홍길동' });
    expect(parsed).toEqual({ externalRef: 'ACC-1', customerName: '홍길동', locale: 'ko', record: true, metadata: {} });
  });

  it('refuses unknown fields, empty names and unknown locales', () => {
    expect(CreateSessionRequest.safeParse({ externalRef: 'A', customerName: 'B', admin: true }).success).toBe(false);
    expect(CreateSessionRequest.safeParse({ externalRef: 'A', customerName: '  ' }).success).toBe(false);
    expect(CreateSessionRequest.safeParse({ externalRef: 'A', customerName: 'B', locale: 'fr' }).success).toBe(false);
  });

  it('takes Chinese as zh (simplified script), and no regional tag', () => {
    expect(CreateSessionRequest.parse({ externalRef: 'A', customerName: '王小明', locale: 'zh' }).locale).toBe('zh');
    for (const tag of ['zh-CN', 'zh-Hans', 'cn', 'ZH']) expect(CreateSessionRequest.safeParse({ externalRef: 'A', customerName: 'B', locale: tag }).success, tag).toBe(false);
  });

  it('needs something to update', () => {
    expect(UpdateSessionRequest.safeParse({}).success).toBe(false);
    expect(UpdateSessionRequest.safeParse({ metadata: { branch: 'Seoul' } }).success).toBe(true);
  });
});

describe('signaling messages', () => {
  it('accepts every client message shape', () => {
    const ok = [
      { type: 'publish', sdp: 'v=0', audio: true, video: true },
      { type: 'subscribe-answer', sdp: 'v=0' },
      { type: 'trickle', leg: 'publisher', candidate: { candidate: 'candidate:1 1 tcp 1 10.0.0.1 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 } },
      { type: 'trickle', leg: 'subscriber', candidate: null },
      { type: 'media-state', audio: false, video: true },
      { type: 'hang-up' },
      { type: 'decide', decision: 'approved' },
      { type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'POOR_QUALITY'], note: '여권 사진 불일치' },
    ];
    for (const message of ok) expect(ClientMessage.safeParse(message).success).toBe(true);
  });

  it('refuses unknown types, extra fields and oversized SDP', () => {
    expect(ClientMessage.safeParse({ type: 'attach-plugin' }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'hang-up', force: true }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'subscribe-answer', sdp: 'x'.repeat(70_000) }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'trickle', leg: 'sideways', candidate: null }).success).toBe(false);
  });
  it('refuses decisions a bank could not act on', () => {
    const decide = (body: object) => ClientMessage.safeParse({ type: 'decide', ...body }).success;
    expect(decide({ decision: 'rejected' })).toBe(false);
    expect(decide({ decision: 'rejected', reasonCodes: [] })).toBe(false);
    expect(decide({ decision: 'rejected', reasonCodes: ['NOT_A_CODE'] })).toBe(false);
    expect(decide({ decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'ID_MISMATCH'] })).toBe(false);
    expect(decide({ decision: 'approved', note: 'x'.repeat(2001) })).toBe(false);
    expect(decide({ decision: 'approved', note: 'x'.repeat(2000) })).toBe(true);
    expect(decide({ decision: 'maybe' })).toBe(false);
    expect(decide({ decision: 'approved', by: 'customer' })).toBe(false);
  });
  it('names every outcome in one word', () => {
    expect(endReasonOf({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'n', decidedBy: 'agent' })).toBe('rejected');
    expect(endReasonOf({ state: 'cancelled', by: 'bank' })).toBe('cancelled_by_bank');
    expect(endReasonOf({ state: 'expired', cause: 'link_expired' })).toBe('link_expired');
    expect(endReasonOf({ state: 'abandoned', participant: 'customer' })).toBe('abandoned');
    expect(endReasonOf({ state: 'failed', cause: 'node gone' })).toBe('failed');
    expect(isTerminalState('decided')).toBe(true);
    expect(isTerminalState('in_call')).toBe(false);
  });

  it('parses server messages', () => {
    expect(ServerMessage.safeParse({ type: 'session-ended', state: 'decided', reason: 'approved', endedAt: '2026-11-23T10:00:00.000Z', durationMs: 1000 }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'error', code: 'no_such_code', message: 'x' }).success).toBe(false);
  });
});

describe('node API', () => {
  const sessionId = '6f1c2a3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f';
  it('parses commands and events', () => {
    expect(NodeCommand.safeParse({ type: 'subscribe', sessionId, participant: 'agent', feed: 'customer' }).success).toBe(true);
    expect(NodeCommand.safeParse({ type: 'create-room', sessionId: 'room-1', record: true }).success).toBe(false);
    expect(NodeEvent.safeParse({ type: 'media', sessionId, participant: 'customer', leg: 'publisher', event: 'webrtcup' }).success).toBe(true);
    expect(NodeEvent.safeParse({ type: 'recording-ready', sessionId, participant: 'agent', file: '/x.webm', durationMs: -1, bytes: 1 }).success).toBe(false);
  });
});
