import { describe, expect, it } from 'vitest';
import { NOW, session } from '../../test/conduct-harness.ts';

/*
 * The media node's events through the session's ports only (no Durable Object, no node): what each
 * page is told, which command follows, what the record and the audit trail become.
 */

const up = (participant: 'customer' | 'agent') => ({ type: 'media', sessionId: 'session-1', participant, leg: 'publisher', event: 'webrtcup' }) as const;

describe('node events', () => {
  it("subscribes the other page to a publisher that came up, and forwards the event to its own page", async () => {
    const s = session();
    await s.conduct.nodeEvent(up('customer'));
    expect(s.to('customer')).toEqual([{ type: 'media-event', leg: 'publisher', event: 'webrtcup' }]);
    expect(s.commands).toEqual([{ type: 'subscribe', sessionId: 'session-1', participant: 'agent', feed: 'customer', transport: 'direct' }]);
    expect(s.to('agent')).toEqual([{ type: 'subscribe-offer', sdp: 'v=0 answer-subscribe' }]);
    expect(s.record.participants.customer.publisherUp).toBe(true);
    expect(s.record.participants.agent.subscribed).toBe(true);
    expect(s.record.state).toBe('waiting');
  });

  it('offers the subscriber leg before saving it subscribed (output gate), and storage then holds it subscribed', async () => {
    const s = session();
    await s.conduct.nodeEvent(up('customer'));
    expect(s.order).toEqual(['media-event -> customer', 'save', 'subscribe-offer -> agent', 'save']);
    expect(s.inStorage()?.participants.customer.publisherUp).toBe(true);
    expect(s.inStorage()?.participants.agent.subscribed).toBe(true);
  });

  it('starts the call when both publishers are up: both pages get in_call, the change is audited', async () => {
    const s = session();
    await s.conduct.nodeEvent(up('customer'));
    await s.conduct.nodeEvent(up('agent'));
    const started = { type: 'session-state', state: 'in_call', startedAt: new Date(NOW).toISOString() };
    expect(s.to('customer').at(-1)).toEqual(started);
    expect(s.to('agent').at(-1)).toEqual(started);
    expect(s.record.state).toBe('in_call');
    expect(s.audits).toContainEqual({ actor: 'system', action: 'state.changed', detail: { from: 'waiting', to: 'in_call', event: 'publishers-up' }, from: null });
  });

  it("marks a publisher that hung up as down, and passes the node's subscribe refusal to the page", async () => {
    const s = session({ answer: () => ({ ok: false, code: 'media_node_error', message: 'no feed', nodeDown: false }) });
    await s.conduct.nodeEvent(up('agent'));
    expect(s.to('customer')).toEqual([{ type: 'error', code: 'media_node_error', message: 'no feed' }]);
    expect(s.record.participants.customer.subscribed).toBe(false);
    await s.conduct.nodeEvent({ ...up('agent'), event: 'hangup' });
    expect(s.record.participants.agent.publisherUp).toBe(false);
  });

  it('has both pages publish again after a media reset, on the same node, with the Janus room to create anew', async () => {
    const s = session({ state: 'in_call' });
    s.record.roomCreated = true;
    s.record.participants.agent.published = true;
    await s.conduct.nodeEvent({ type: 'media-reset', sessionId: 'session-1', reason: 'janus_restarted' });
    expect(s.to('customer')).toEqual([{ type: 'media-moved' }]);
    expect(s.to('agent')).toEqual([{ type: 'media-moved' }]);
    expect(s.record).toMatchObject({ nodeId: 'node-a', roomCreated: false });
    expect(s.record.participants.agent.published).toBe(false);
    expect(s.audits).toEqual([{ actor: 'system', action: 'media.reset', detail: { nodeId: 'node-a', reason: 'janus_restarted' } }]);
  });

  it('stops waiting for a segment that came out empty, and ignores one it never expected', async () => {
    const s = session({ record: true });
    s.record.expectedSegments = [{ participant: 'customer', segment: 1, failedAt: null }];
    await s.conduct.nodeEvent({ type: 'recording-empty', sessionId: 'session-1', participant: 'agent', segment: 1 });
    expect(s.audits).toEqual([]);
    await s.conduct.nodeEvent({ type: 'recording-empty', sessionId: 'session-1', participant: 'customer', segment: 1 });
    expect(s.record.expectedSegments).toEqual([]);
    expect(s.audits).toEqual([{ actor: 'system', action: 'recording.empty', detail: { participant: 'customer', segment: 1 } }]);
  });

  it('fails a recorded call whose recording failed, and marks the segment failed', async () => {
    const s = session({ record: true, state: 'in_call' });
    s.record.expectedSegments = [{ participant: 'agent', segment: 2, failedAt: null }];
    await s.conduct.nodeEvent({ type: 'recording-failed', sessionId: 'session-1', participant: 'agent', segment: 2, message: 'disk full' });
    expect(s.record.expectedSegments).toEqual([{ participant: 'agent', segment: 2, failedAt: new Date(NOW).toISOString() }]);
    expect(s.record.outcome).toEqual({ state: 'failed', cause: 'recording failed (agent)' });
    expect(s.to('customer')).toMatchObject([{ type: 'session-ended', state: 'failed' }]);
    expect(s.audits[0]).toEqual({ actor: 'node:node-a', action: 'recording.failed', detail: { participant: 'agent', segment: 2, message: 'disk full' } });
    expect(s.calls.releasedNode).toBe(1);
  });

  it('tells nobody about media of an ended session', async () => {
    const s = session({ state: 'decided' });
    await s.conduct.nodeEvent(up('customer'));
    expect(s.sent).toEqual([]);
    expect(s.commands).toEqual([]);
  });
});
