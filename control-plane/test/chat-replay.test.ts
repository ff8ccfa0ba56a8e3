import { AuditTrail } from '@vident/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT_REPLAY_LIMIT } from '../src/session/chat-history.ts';
import { createSession, eventually, installFakeNode, Participant, registerNode, signedFetch, startCall, type FakeNode } from './helpers.ts';

/*
 * A participant who reloads or whose socket dropped gets the call's earlier chat back right after
 * `welcome`, from the audit trail (the one place chat is kept), bounded to the latest messages.
 */

const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-chat-replay');
});

afterEach(() => Participant.closeAll());

describe('chat replay on (re)join', () => {
  it('sends a reconnecting customer the earlier messages of both parties, in order, after welcome', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'chat', text: '신분증 앞면을 보여 주세요' });
    await customer.next('chat');
    customer.send({ type: 'chat', text: 'Here it is' });
    for (const p of [customer, agent]) await p.next('chat');
    const relayed = (await agent.next('chat')).at;

    customer.close();
    await customer.waitClosed();
    await agent.next('peer-left');
    const back = await Participant.join(s.sessionId, s.customerUrl);
    await back.next('welcome');
    await eventually(() => expect(back.count('chat')).toBe(2));
    const types = back.received.map((m) => m.type);
    expect(types.indexOf('chat')).toBeGreaterThan(types.indexOf('welcome'));
    const replayed = back.received.flatMap((m) => (m.type === 'chat' ? [m] : []));
    expect(replayed.map((m) => [m.from, m.text])).toEqual([
      ['agent', '신분증 앞면을 보여 주세요'],
      ['customer', 'Here it is'],
    ]);
    // The audit trail's time, within a few ms of the time the relay carried.
    expect(Math.abs(Date.parse(replayed[1]!.at) - Date.parse(relayed))).toBeLessThan(1000);
    // The other party is not sent the history again, and the trail holds each message once.
    expect(agent.count('chat')).toBe(0);
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(trail.entries.filter((e) => e.action === 'chat.message')).toHaveLength(2);
    expect(trail.entries.map((e) => e.action)).toContain('participant.reconnected');
  });

  it(`replays at most the latest ${CHAT_REPLAY_LIMIT} messages`, async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    const total = CHAT_REPLAY_LIMIT + 5;
    for (let i = 0; i < total; i++) {
      // Paced under the per-socket rate limit, alternating senders.
      const sender = i % 2 === 0 ? agent : customer;
      sender.send({ type: 'chat', text: `line ${i}` });
      for (const p of [customer, agent]) expect((await p.next('chat')).text).toBe(`line ${i}`);
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 600));
    }
    agent.close();
    await agent.waitClosed();
    const back = await Participant.join(s.sessionId, s.agentUrl);
    await back.next('welcome');
    await eventually(() => expect(back.count('chat')).toBe(CHAT_REPLAY_LIMIT), 5000);
    const texts = back.received.flatMap((m) => (m.type === 'chat' ? [m.text] : []));
    expect(texts[0]).toBe(`line ${total - CHAT_REPLAY_LIMIT}`);
    expect(texts.at(-1)).toBe(`line ${total - 1}`);
  }, 60_000);

  it('sends nothing extra when there was no chat', async () => {
    const s = await createSession({ record: false });
    const { customer } = await startCall(s);
    customer.close();
    await customer.waitClosed();
    const back = await Participant.join(s.sessionId, s.customerUrl);
    await back.next('welcome');
    await new Promise((r) => setTimeout(r, 200));
    expect(back.count('chat')).toBe(0);
  });
});
