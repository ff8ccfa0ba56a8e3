import { RECORDING_CONSENT_VERSION } from '@vident/protocol';
import { describe, expect, it, vi } from 'vitest';
import { CONNECTION, NOW, session, type Outcome } from '../../test/conduct-harness.ts';
import { DEFAULT_CHECKLIST } from './verification-checklist.ts';

/*
 * The signaling relay through its ports only: no Durable Object, no socket, no node. Each test
 * drives frames into a session and reads what each page was sent, what the node was commanded,
 * what was audited and what the record became.
 */

const publish = { type: 'publish', sdp: 'v=0 offer', audio: true, video: false } as const;
const consent = { type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true } as const;

describe('signaling relay: frames', () => {
  it('answers a frame that is not JSON, not text or not a client message with its error code, and does nothing else', async () => {
    const s = session();
    await s.send('customer', '{not json');
    await s.conduct.message('customer', CONNECTION.customer, new ArrayBuffer(4));
    await s.send('agent', JSON.stringify({ type: 'publish', sdp: '' }));
    expect(s.to('customer')).toEqual([
      { type: 'error', code: 'invalid_json', message: 'frame is not valid JSON' },
      { type: 'error', code: 'invalid_json', message: 'binary frames are not accepted' },
    ]);
    expect(s.to('agent')).toMatchObject([{ type: 'error', code: 'validation_failed' }]);
    expect(s.commands).toEqual([]);
    expect(s.calls.saves).toBe(0);
  });

  it('ignores a frame from a connection that was replaced: nobody is told, the node is not asked', async () => {
    const s = session();
    await s.conduct.message('agent', 'an-older-connection', JSON.stringify(publish));
    expect(s.sent).toEqual([]);
    expect(s.commands).toEqual([]);
  });

  it('refuses every frame once the session ended (session_ended)', async () => {
    const s = session({ state: 'cancelled' });
    await s.send('agent', { type: 'hang-up' });
    expect(s.to('agent')).toEqual([{ type: 'error', code: 'session_ended', message: 'the session has ended' }]);
    expect(s.commands).toEqual([]);
  });
});

describe('signaling relay: publishing', () => {
  it("creates the Janus room on the first publish, publishes segment 1, answers the publisher and tells the peer", async () => {
    const s = session();
    await s.send('agent', { ...publish, ref: 'p1' });
    expect(s.commands).toEqual([
      { type: 'create-room', sessionId: 'session-1', record: false },
      { type: 'publish', sessionId: 'session-1', participant: 'agent', segment: 1, display: 'agent', sdp: 'v=0 offer', audio: true, video: false, transport: 'direct' },
    ]);
    expect(s.to('agent')).toEqual([{ type: 'published', sdp: 'v=0 answer-publish', ref: 'p1' }]);
    expect(s.to('customer')).toEqual([{ type: 'peer-media', role: 'agent', audio: true, video: false }]);
    expect(s.record.roomCreated).toBe(true);
    expect(s.record.participants.agent).toMatchObject({ published: true, audio: true, video: false, transport: 'direct' });
    // Not recorded: no segment is owed to the evidence.
    expect(s.record.expectedSegments).toEqual([]);
  });

  it('names the customer on the node, and never reuses a segment number', async () => {
    const s = session();
    await s.send('customer', publish);
    await s.send('customer', { ...publish, transport: 'relay' });
    const publishes = s.commands.filter((c) => c.type === 'publish');
    expect(publishes).toMatchObject([
      { participant: 'customer', segment: 1, display: 'Kim', transport: 'direct' },
      { participant: 'customer', segment: 2, display: 'Kim', transport: 'relay' },
    ]);
    // The room is created once.
    expect(s.commands.filter((c) => c.type === 'create-room')).toHaveLength(1);
    expect(s.audits).toContainEqual({ actor: 'customer', action: 'media.transport', detail: { role: 'customer', transport: 'relay' }, from: null });
  });

  it("refuses the customer's publish in a recorded session until consent (consent_required), then publishes and owes the segment", async () => {
    const s = session({ record: true });
    await s.send('customer', publish);
    expect(s.to('customer')).toEqual([{ type: 'error', code: 'consent_required', message: 'the customer has not consented to the recording yet' }]);
    expect(s.commands).toEqual([]);

    await s.send('customer', consent);
    expect(s.record.consent).toEqual({ version: RECORDING_CONSENT_VERSION, at: new Date(NOW).toISOString() });
    expect(s.audits).toContainEqual({ actor: 'customer', action: 'consent.given', detail: { version: RECORDING_CONSENT_VERSION }, from: null });

    await s.send('customer', publish);
    expect(s.commands.map((c) => c.type)).toEqual(['create-room', 'publish']);
    expect(s.commands[0]).toEqual({ type: 'create-room', sessionId: 'session-1', record: true });
    expect(s.record.expectedSegments).toEqual([{ participant: 'customer', segment: 1, failedAt: null }]);
  });

  it('answers the publisher before the record is saved (output gate), and storage then holds the publish as before', async () => {
    const s = session({ record: true });
    await s.send('customer', consent);
    s.order.length = 0;
    await s.send('customer', { ...publish, ref: 'p1' });
    // The room and the segment number are stored before the node is asked; the answer and the
    // peer's flags are not held behind the write that records the publish...
    expect(s.order).toEqual(['save', 'save', 'published -> customer', 'peer-media -> agent', 'save']);
    // ...and that write still happens: storage has the segment number (saved before the node was
    // asked), the publish, its flags and the segment the evidence waits for.
    expect(s.inStorage()?.segments.customer).toBe(1);
    expect(s.inStorage()?.participants.customer).toMatchObject({ published: true, audio: true, video: false, transport: 'direct' });
    expect(s.inStorage()?.expectedSegments).toEqual([{ participant: 'customer', segment: 1, failedAt: null }]);
    // The consent, which the bank sees, was stored by its own save when given, as before.
    expect(s.stored.find((r) => r.consent !== null)?.consent).toEqual({ version: RECORDING_CONSENT_VERSION, at: new Date(NOW).toISOString() });
  });

  it("passes the node's refusal on to the publisher with its code, and marks nothing published", async () => {
    const s = session({
      answer: (c) => (c.type === 'publish' ? { ok: false, code: 'media_node_error', message: 'janus said no', nodeDown: false } : ({ ok: true, result: {} } as Outcome)),
    });
    await s.send('agent', publish);
    expect(s.to('agent')).toEqual([{ type: 'error', code: 'media_node_error', message: 'janus said no' }]);
    expect(s.to('customer')).toEqual([]);
    expect(s.record.participants.agent.published).toBe(false);
  });

  it('moves the session when the node is down, and the pages are told to publish again instead of an error', async () => {
    const s = session({
      answer: (c) => (c.type === 'create-room' ? { ok: false, code: 'media_node_error', message: 'unreachable', nodeDown: true } : ({ ok: true, result: {} } as Outcome)),
      reassign: { nodeId: 'node-b', url: 'http://node-b' },
    });
    await s.send('agent', publish);
    expect(s.calls.reassigned).toEqual(['node-a']);
    expect(s.record).toMatchObject({ nodeId: 'node-b', nodeUrl: 'http://node-b', formerNodes: ['node-a'], roomCreated: false });
    expect(s.to('agent')).toEqual([{ type: 'media-moved' }]);
    expect(s.to('customer')).toEqual([{ type: 'media-moved' }]);
    expect(s.audits).toContainEqual({ actor: 'system', action: 'media.failover', detail: { from: 'node-a', to: 'node-b', cause: 'command_failed' } });
  });

  it("tells the publisher the node's error when the node is down and no other node has room", async () => {
    const s = session({
      answer: (c) => (c.type === 'create-room' ? { ok: false, code: 'media_node_error', message: 'unreachable', nodeDown: true } : ({ ok: true, result: {} } as Outcome)),
      reassign: null,
    });
    await s.send('agent', publish);
    expect(s.to('agent')).toEqual([{ type: 'error', code: 'media_node_error', message: 'unreachable' }]);
    expect(s.record.nodeId).toBe('node-a');
  });
});

describe('signaling relay: legs', () => {
  it('forwards a trickle candidate to the node for the named leg, and its refusal to the page', async () => {
    let refuse = false;
    const s = session({ answer: () => (refuse ? { ok: false, code: 'media_node_error', message: 'no such leg', nodeDown: false } : ({ ok: true, result: {} } as Outcome)) });
    const candidate = { candidate: 'candidate:1 1 tcp 1 10.0.0.1 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 };
    await s.send('customer', { type: 'trickle', leg: 'subscriber', candidate });
    expect(s.commands).toEqual([{ type: 'trickle', sessionId: 'session-1', participant: 'customer', leg: 'subscriber', candidate }]);
    expect(s.sent).toEqual([]);
    refuse = true;
    await s.send('customer', { type: 'trickle', leg: 'publisher', candidate });
    // Trickles are pipelined (trickle-pipeline.ts): the refusal follows once the node answered.
    await vi.waitFor(() => expect(s.to('customer')).toEqual([{ type: 'error', code: 'media_node_error', message: 'no such leg' }]));
  });

  it('hands a subscribe answer to the node and confirms it to the page', async () => {
    const s = session();
    await s.send('agent', { type: 'subscribe-answer', sdp: 'v=0 sub-answer' });
    expect(s.commands).toEqual([{ type: 'subscribe-answer', sessionId: 'session-1', participant: 'agent', sdp: 'v=0 sub-answer' }]);
    expect(s.to('agent')).toEqual([{ type: 'subscribed' }]);
  });

  it('relays a media-state change to the peer, and configures the node only for a published page', async () => {
    const s = session();
    await s.send('customer', { type: 'media-state', audio: false, video: true });
    expect(s.commands).toEqual([]);
    expect(s.to('agent')).toEqual([{ type: 'peer-media', role: 'customer', audio: false, video: true }]);
    expect(s.record.participants.customer).toMatchObject({ audio: false, video: true });
    s.record.participants.customer.published = true;
    await s.send('customer', { type: 'media-state', audio: true, video: true });
    expect(s.commands).toEqual([{ type: 'configure', sessionId: 'session-1', participant: 'customer', audio: true, video: true }]);
  });

  it('keeps media flags with the socket, not by storing the record, and tells the peer before the node is asked', async () => {
    const peerToldWhenNodeAsked: number[] = [];
    const s = session({
      answer: () => {
        peerToldWhenNodeAsked.push(s.to('agent').length);
        return { ok: true, result: {} } as Outcome;
      },
    });
    s.record.participants.customer.published = true;
    await s.send('customer', { type: 'media-state', audio: false, video: false });
    expect(peerToldWhenNodeAsked).toEqual([1]);
    expect(s.to('agent')).toEqual([{ type: 'peer-media', role: 'customer', audio: false, video: false }]);
    expect(s.calls.saves).toBe(0);
    expect(s.calls.keptMedia).toEqual([{ role: 'customer', audio: false, video: false }]);
  });
});

describe('signaling relay: consent, decision, hang-up', () => {
  it('refuses consent from the agent (forbidden) and in a session that is not recorded (conflict)', async () => {
    const recorded = session({ record: true });
    await recorded.send('agent', consent);
    expect(recorded.to('agent')).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    const unrecorded = session();
    await unrecorded.send('customer', consent);
    expect(unrecorded.to('customer')).toMatchObject([{ type: 'error', code: 'conflict' }]);
    expect(recorded.record.consent).toBeNull();
  });

  it('cancels the session on behalf of the customer who declines the recording', async () => {
    const s = session({ record: true });
    await s.send('customer', { ...consent, accepted: false });
    expect(s.record.outcome).toEqual({ state: 'cancelled', by: 'customer' });
    expect(s.audits.map((a) => a.action)).toEqual(['consent.declined', 'state.changed']);
  });

  it("refuses a customer's decision (forbidden), an approval with unticked items (validation_failed) and a decision before the call (invalid_transition)", async () => {
    const early = session();
    await early.send('customer', { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: [] });
    await early.send('agent', { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: DEFAULT_CHECKLIST.map((i) => i.id) });
    expect(early.to('customer')).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    expect(early.to('agent')).toMatchObject([{ type: 'error', code: 'invalid_transition' }]);
    const call = session({ state: 'in_call' });
    await call.send('agent', { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: [] });
    expect(call.to('agent')).toMatchObject([{ type: 'error', code: 'validation_failed' }]);
    expect(call.record.state).toBe('in_call');
  });

  it("ends the call on the agent's approval: both pages told, sockets closed, Janus room destroyed, node slot freed", async () => {
    const s = session({ state: 'in_call' });
    s.record.roomCreated = true;
    await s.send('agent', { type: 'decide', decision: 'approved', reasonCodes: [], note: 'ok', checklist: DEFAULT_CHECKLIST.map((i) => i.id) });
    expect(s.record.state).toBe('decided');
    const ended = { type: 'session-ended', state: 'decided', reason: 'approved', endedAt: new Date(NOW).toISOString(), durationMs: 0 };
    expect(s.to('customer')).toEqual([ended]);
    expect(s.to('agent')).toEqual([ended]);
    expect(s.calls.closedAll).toBe(1);
    expect(s.commands).toEqual([{ type: 'destroy-room', sessionId: 'session-1' }]);
    expect(s.calls.releasedNode).toBe(1);
    expect(s.record.participants.customer.connectionId).toBeNull();
    expect(s.audits.map((a) => a.action)).toEqual(['session.decided', 'state.changed']);
  });

  it('cancels the session on behalf of whoever hangs up', async () => {
    const s = session();
    await s.send('agent', { type: 'hang-up' });
    expect(s.record.outcome).toEqual({ state: 'cancelled', by: 'agent' });
    expect(s.to('customer')).toMatchObject([{ type: 'session-ended', state: 'cancelled' }]);
    // No Janus room was created: none is destroyed.
    expect(s.commands).toEqual([]);
  });
});

describe('signaling relay: chat and guidance', () => {
  it('audits a chat line before relaying the server copy to both pages', async () => {
    const s = session({ state: 'in_call' });
    await s.send('customer', { type: 'chat', text: 'hello' });
    const line = { type: 'chat', from: 'customer', text: 'hello', at: new Date(NOW).toISOString() };
    expect(s.to('customer')).toEqual([line]);
    expect(s.to('agent')).toEqual([line]);
    expect(s.audits).toEqual([{ actor: 'customer', action: 'chat.message', detail: { from: 'customer', text: 'hello' }, from: null }]);
  });

  it("refuses the customer's guidance (forbidden), and a flood of chat lines (rate_limited)", async () => {
    const s = session({ state: 'in_call' });
    await s.send('customer', { type: 'guidance', kind: 'hold_id_closer' });
    expect(s.to('customer')).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    for (let i = 0; i < 50; i++) await s.send('agent', { type: 'chat', text: `line ${i}` });
    expect(s.to('agent').at(-1)).toEqual({ type: 'error', code: 'rate_limited', message: 'too many chat or guidance messages; wait a moment' });
  });
});
