import { AuditTrail, GuidanceKind } from '@vident/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IN_CALL_BURST } from '../src/session/in-call-tools.ts';
import { createSession, eventually, installFakeNode, moveDeadlines, Participant, registerNode, signedFetch, startCall, type FakeNode } from './helpers.ts';

/*
 * In-call chat and guidance over the participant WebSockets: relayed by the session's Durable
 * Object, kept in its audit trail, guidance from the agent only, bounded per socket.
 */

const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-chat');
});

afterEach(() => Participant.closeAll());

async function trail(sessionId: string): Promise<AuditTrail> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}/audit`);
  expect(res.status).toBe(200);
  return AuditTrail.parse(await res.json());
}

describe('in-call chat', () => {
  it('relays each message to both participants with the server time, and audits it', async () => {
    const s = await createSession({ record: true });
    const { customer, agent } = await startCall(s);
    const before = Date.now();

    agent.send({ type: 'chat', text: '  신분증 앞면을 보여 주세요 ' });
    for (const p of [customer, agent]) {
      const m = await p.next('chat');
      expect(m).toMatchObject({ from: 'agent', text: '신분증 앞면을 보여 주세요' });
      expect(Date.parse(m.at)).toBeGreaterThanOrEqual(before - 1000);
    }
    customer.send({ type: 'chat', text: 'Here it is' });
    for (const p of [customer, agent]) expect(await p.next('chat')).toMatchObject({ from: 'customer', text: 'Here it is' });

    const entries = (await trail(s.sessionId)).entries.filter((e) => e.action === 'chat.message');
    expect(entries.map((e) => [e.actor, e.detail])).toEqual([
      ['agent', { from: 'agent', text: '신분증 앞면을 보여 주세요' }],
      ['customer', { from: 'customer', text: 'Here it is' }],
    ]);
    // Chat is signaling-only: the media node hears nothing of it.
    expect(node.commands.filter((c) => !['create-room', 'publish', 'subscribe'].includes(c.type))).toEqual([]);
  });

  it('refuses blank and oversized text with validation_failed, relaying and auditing nothing', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    customer.send({ type: 'chat', text: '   ' });
    expect(await customer.next('error')).toMatchObject({ code: 'validation_failed' });
    customer.send({ type: 'chat', text: 'x'.repeat(1001) });
    expect(await customer.next('error')).toMatchObject({ code: 'validation_failed' });
    expect(customer.closed).toBeNull();
    expect(agent.count('chat') + customer.count('chat')).toBe(0);
    expect((await trail(s.sessionId)).entries.filter((e) => e.action === 'chat.message')).toEqual([]);
  });

  it(`limits a socket to ${IN_CALL_BURST} chat or guidance frames per second`, async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    const sent = 20;
    for (let i = 0; i < sent; i++) customer.send({ type: 'chat', text: `flood ${i}` });
    // Every frame is answered: confirmed (the sender's own copy) or refused. How many get through
    // depends on how long the burst takes to process (the limiter itself is unit-tested with a clock).
    const answered = () => customer.received.filter((m) => m.type === 'chat' || m.type === 'error');
    await eventually(async () => expect(answered().length).toBe(sent), 10_000);
    const confirmed = customer.received.flatMap((m) => (m.type === 'chat' ? [m.text] : []));
    const errors = customer.received.flatMap((m) => (m.type === 'error' ? [m] : []));
    expect(errors.length).toBeGreaterThan(0);
    expect(confirmed.length).toBeGreaterThanOrEqual(IN_CALL_BURST);
    expect(errors.every((e) => e.code === 'rate_limited')).toBe(true);
    // Exactly the confirmed ones were relayed to the peer and audited, nothing more.
    await eventually(async () => expect(agent.received.filter((m) => m.type === 'chat')).toHaveLength(confirmed.length), 5_000);
    const relayed = agent.received.flatMap((m) => (m.type === 'chat' ? [m.text] : []));
    expect([...relayed].sort()).toEqual([...confirmed].sort());
    const audited = (await trail(s.sessionId)).entries.filter((e) => e.action === 'chat.message');
    expect(audited.map((e) => String(e.detail.text)).sort()).toEqual([...confirmed].sort());
    customer.received.length = 0;
    agent.received.length = 0;
    // The other participant's socket has its own budget.
    agent.send({ type: 'chat', text: 'slow down please' });
    expect(await customer.next('chat')).toMatchObject({ from: 'agent', text: 'slow down please' });
  });

  it('is refused with session_ended once the session has ended', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    // The session ends while this socket is still open (as between the end and the close frame).
    await moveDeadlines(s.sessionId, (r) => {
      r.state = 'cancelled';
      r.outcome = { state: 'cancelled', by: 'bank' };
    });
    customer.send({ type: 'chat', text: 'are you there?' });
    agent.send({ type: 'guidance', kind: 'tilt_card' });
    expect(await customer.next('error')).toMatchObject({ code: 'session_ended' });
    expect(await agent.next('error')).toMatchObject({ code: 'session_ended' });
    expect(agent.count('chat') + customer.count('guidance')).toBe(0);
    const actions = (await trail(s.sessionId)).entries.map((e) => e.action);
    expect(actions).not.toContain('chat.message');
    expect(actions).not.toContain('guidance.sent');
  });
});

describe('guidance overlays', () => {
  it('go from the agent to the customer only, every kind audited', async () => {
    const s = await createSession({ record: true });
    const { customer, agent } = await startCall(s);
    for (const kind of GuidanceKind.options) {
      agent.send({ type: 'guidance', kind });
      expect(await customer.next('guidance')).toEqual({ type: 'guidance', kind });
      // Paced under the rate limit: this test is about routing, not flooding.
      await new Promise((r) => setTimeout(r, 220));
    }
    expect(agent.count('guidance')).toBe(0);
    const sent = (await trail(s.sessionId)).entries.filter((e) => e.action === 'guidance.sent');
    expect(sent.map((e) => [e.actor, e.detail.kind])).toEqual(GuidanceKind.options.map((k) => ['agent', k]));
  });

  it('from the customer are forbidden, not relayed and not audited', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    customer.send({ type: 'guidance', kind: 'clear' });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    expect(customer.closed).toBeNull();
    // A chat afterwards still flows: the refusal left the socket usable.
    customer.send({ type: 'chat', text: 'ok' });
    expect(await agent.next('chat')).toMatchObject({ from: 'customer', text: 'ok' });
    expect(agent.count('guidance') + customer.count('guidance')).toBe(0);
    expect((await trail(s.sessionId)).entries.filter((e) => e.action === 'guidance.sent')).toEqual([]);
  });
});
