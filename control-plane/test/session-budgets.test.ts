import { AuditTrail, ErrorBody, type ServerMessage } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { objectsOf, pattern, seal } from './evidence-helpers.ts';
import { createSession, eventually, installFakeNode, openSocket, ORIGIN, Participant, registerNode, sessionStub, signedFetch, startCall, tokenOf, type FakeNode } from './helpers.ts';

/*
 * Per-session budgets (security review finding 6), run in the "budgets" project with small limits
 * (vitest.config.ts: 10 frames at once then 5 a second, 3 joins a minute, 4 chat lines, 2
 * captures, 3 segments, 20 participant audit rows): a frame flood and a reconnect loop are answered
 * rate_limited while the call goes on, and each cap answers limit_reached.
 */

const LIMITS = { frameBurst: 10, framesPerSecond: 5, joinsPerMinute: 3, chatLines: 4, captures: 2, segments: 3, participantAuditRows: 20 };

let node: FakeNode;

beforeAll(() => {
  node = installFakeNode();
});

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-budgets', undefined, 100);
});

afterEach(() => Participant.closeAll());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errorsOf(p: Participant, code: string): Extract<ServerMessage, { type: 'error' }>[] {
  return p.received.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error' && m.code === code);
}

async function participantRows(sessionId: string, action?: string): Promise<number> {
  return runInDurableObject(sessionStub(sessionId), (_, state) =>
    state.storage.sql
      .exec<{ actor: string; action: string }>('SELECT actor, action FROM audit')
      .toArray()
      .filter((r) => (r.actor === 'customer' || r.actor === 'agent') && (action === undefined || r.action === action)).length,
  );
}

describe('frame budget per session and role', () => {
  it('answers a trickle flood with rate_limited, keeps the socket and the call, and serves a later frame', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    await sleep((LIMITS.frameBurst / LIMITS.framesPerSecond) * 1000); // the call's own frames refilled
    node.commands.length = 0;
    const flood = 60;
    for (let i = 0; i < flood; i++) customer.send({ type: 'trickle', leg: 'publisher', candidate: { candidate: `candidate:${i} 1 tcp 1 10.0.0.1 9 typ host tcptype active`, sdpMid: '0', sdpMLineIndex: 0 } });
    await eventually(() => expect(errorsOf(customer, 'rate_limited').length + node.commands.filter((c) => c.type === 'trickle').length).toBe(flood));
    const trickles = node.commands.filter((c) => c.type === 'trickle').length;
    // The burst and what refilled while the flood arrived reached the node (all 60 would take 10 s).
    expect(trickles).toBeGreaterThanOrEqual(LIMITS.frameBurst);
    expect(trickles).toBeLessThan(flood - 10);
    expect(errorsOf(customer, 'rate_limited').length).toBe(flood - trickles);
    expect(customer.closed).toBeNull();
    expect(agent.closed).toBeNull();

    // A reconnect does not reset the budget: the new socket's flood is refused as well.
    customer.close();
    await customer.waitClosed();
    const again = await Participant.join(s.sessionId, s.customerUrl);
    await again.next('welcome');
    for (let i = 0; i < LIMITS.frameBurst; i++) again.send({ type: 'media-state', audio: true, video: i % 2 === 0 });
    await eventually(() => expect(errorsOf(again, 'rate_limited').length).toBeGreaterThan(0));

    // After a refill the call goes on: the agent gets the customer's chat line.
    await sleep((LIMITS.frameBurst / LIMITS.framesPerSecond) * 1000);
    again.send({ type: 'chat', text: 'still here' });
    expect((await agent.next('chat')).text).toBe('still here');
    const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { state: string };
    expect(view.state).toBe('in_call');
  });
});

describe('reconnect limit per session and role', () => {
  it('refuses the join past the limit with 429 rate_limited, writing no audit row, and keeps the open socket', async () => {
    const s = await createSession({ record: false });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    let last: Participant | null = null;
    for (let i = 0; i < LIMITS.joinsPerMinute; i++) {
      last = await Participant.join(s.sessionId, s.customerUrl);
      await last.next('welcome');
    }
    const joinedRows = await participantRows(s.sessionId);
    const refused = await openSocket(s.sessionId, tokenOf(s.customerUrl));
    expect(refused.status).toBe(429);
    expect(refused.webSocket).toBeNull();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorBody.parse(await refused.json()).error.code).toBe('rate_limited');
    await sleep(50);
    expect(await participantRows(s.sessionId)).toBe(joinedRows);
    // The last admitted socket is still the customer's: the call goes on over it.
    expect(last!.closed).toBeNull();
    last!.send({ type: 'chat', text: 'hello' });
    expect((await agent.next('chat')).text).toBe('hello');
    // The agent's own budget is separate.
    const agentAgain = await openSocket(s.sessionId, tokenOf(s.agentUrl));
    expect(agentAgain.status).toBe(101);
    new Participant(agentAgain.webSocket!);
  });
});

describe('caps per session', () => {
  it(`answers the chat line past ${LIMITS.chatLines} with limit_reached`, async () => {
    const s = await createSession({ record: false });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await customer.next('welcome');
    await agent.next('welcome');
    for (let i = 0; i < LIMITS.chatLines; i++) {
      customer.send({ type: 'chat', text: `line ${i}` });
      expect((await agent.next('chat')).text).toBe(`line ${i}`);
    }
    await sleep(1000); // past the in-call rate window: what refuses now is the cap
    agent.send({ type: 'chat', text: 'one more' });
    const err = await agent.next('error');
    expect(err.code).toBe('limit_reached');
    expect(err.message).toContain(String(LIMITS.chatLines));
    expect(await participantRows(s.sessionId, 'chat.message')).toBe(LIMITS.chatLines);
    expect(agent.closed).toBeNull();
  });

  it(`answers the capture past ${LIMITS.captures} with 409 limit_reached and keeps nothing of it`, async () => {
    const s = await createSession();
    const post = async () =>
      SELF.fetch(`${ORIGIN}/v1/sessions/${s.sessionId}/captures?capture=face`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${tokenOf(s.agentUrl)}` },
        body: await seal(pattern(1000, 3), 'image/jpeg'),
      });
    for (let i = 0; i < LIMITS.captures; i++) expect((await post()).status).toBe(201);
    const res = await post();
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('limit_reached');
    expect(await objectsOf(s.sessionId)).toHaveLength(LIMITS.captures);
  });

  it(`answers the publish past ${LIMITS.segments} segments with limit_reached`, async () => {
    const s = await createSession({ record: false });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    for (let i = 0; i < LIMITS.segments; i++) {
      agent.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
      await agent.next('published');
    }
    agent.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    expect((await agent.next('error')).code).toBe('limit_reached');
    expect(node.commands.filter((c) => c.type === 'publish')).toHaveLength(LIMITS.segments);
  });

  it(`stops the participants' audit rows at ${LIMITS.participantAuditRows}: frames that would write one and new joins answer limit_reached`, async () => {
    const s = await createSession({ record: false });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await customer.next('welcome');
    await agent.next('welcome');
    let refusal: Extract<ServerMessage, { type: 'error' }> | null = null;
    for (let i = 0; i < LIMITS.participantAuditRows && refusal === null; i++) {
      agent.send({ type: 'guidance', kind: 'hold_id_closer' });
      // Paced under the in-call and frame budgets: only the cap may refuse.
      await sleep(250);
      refusal = errorsOf(agent, 'limit_reached')[0] ?? null;
    }
    expect(refusal?.code).toBe('limit_reached');
    expect(await participantRows(s.sessionId)).toBe(LIMITS.participantAuditRows);
    const join = await openSocket(s.sessionId, tokenOf(s.customerUrl));
    expect(join.status).toBe(409);
    expect(ErrorBody.parse(await join.json()).error.code).toBe('limit_reached');
    // The bank still reads the trail, whole and verifiable.
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(trail.entries.length).toBeGreaterThanOrEqual(LIMITS.participantAuditRows);
  });
});
