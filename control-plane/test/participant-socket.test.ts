import { ErrorBody, SessionBrowserPaths, SessionView } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../src/session/participant-token.ts';
import { auditTrail, createSession, eventually, ORIGIN, giveConsent, installFakeNode, nodeFetch, openSocket, Participant, registerNode, signedFetch, tokenOf, type FakeNode } from './helpers.ts';

// Installed for the whole file: sockets closed at the end of a test still send `leave` commands.
const node: FakeNode = installFakeNode();

// No reset() here: wiping storage under live hibernated sockets hangs workerd's shutdown. Every
// test uses its own sessions, so nothing leaks between them.
beforeEach(async () => {
  node.commands.length = 0;
  node.failing.clear();
  await registerNode('node-a');
});

afterEach(() => Participant.closeAll());
// Never restored: sockets closing while the run shuts down still send `leave` commands to it.

async function expectRefused(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.webSocket).toBeNull();
  expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
}

describe('WebSocket upgrade authentication', () => {
  it('refuses a missing, foreign-session, forged or expired token before upgrading', async () => {
    const a = await createSession();
    const b = await createSession();
    await expectRefused(await openSocket(a.sessionId, null), 401, 'token_invalid');
    await expectRefused(await openSocket(a.sessionId, tokenOf(b.customerUrl)), 401, 'token_invalid');
    await expectRefused(await openSocket(a.sessionId, tokenOf(a.customerUrl).slice(0, -4) + 'AAAA'), 401, 'token_invalid');
    const forged = await mintToken('not-the-token-secret-0123456789', { sid: a.sessionId, role: 'agent', exp: Math.floor(Date.now() / 1000) + 60 });
    await expectRefused(await openSocket(a.sessionId, forged), 401, 'token_invalid');
    const expired = await mintToken('test-token-secret-0123456789abcdef', { sid: a.sessionId, role: 'agent', exp: Math.floor(Date.now() / 1000) - 1 });
    await expectRefused(await openSocket(a.sessionId, expired), 401, 'token_expired');
  });

  it('requires the vident.v1 subprotocol and an upgrade', async () => {
    const a = await createSession();
    await expectRefused(await openSocket(a.sessionId, tokenOf(a.agentUrl), ['other']), 400, 'bad_request');
    const plain = await (await import('cloudflare:test')).SELF.fetch(`http://vident.test/v1/sessions/${a.sessionId}/ws`);
    expect(plain.status).toBe(426);
  });

  it('gives the token role: an agent token joins as agent, a customer token as customer', async () => {
    const a = await createSession();
    const agent = await Participant.join(a.sessionId, a.agentUrl);
    expect((await agent.next('welcome')).role).toBe('agent');
    const customer = await Participant.join(a.sessionId, a.customerUrl);
    expect((await customer.next('welcome')).role).toBe('customer');
  });

  it('tells a participant who connects after the end why the session is over, then closes', async () => {
    const a = await createSession();
    await signedFetch('DELETE', `/v1/sessions/${a.sessionId}`);
    const late = await Participant.join(a.sessionId, a.customerUrl);
    expect(await late.next('session-ended')).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_bank', durationMs: 0 });
    expect((await late.waitClosed()).code).toBe(1000);
    expect(late.received).toEqual([]); // nothing but session-ended (consumed above): no welcome
    const view = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${a.sessionId}`)).json());
    expect(view.participants.every((p) => !p.connected)).toBe(true);
  });
});

describe('signaling relay between customer and agent', () => {
  it('welcome, peer-joined, peer-media, peer-left; bad frames answer error and keep the socket', async () => {
    const s = await createSession();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const welcome = await customer.next('welcome');
    expect(welcome).toMatchObject({
      role: 'customer',
      session: { sessionId: s.sessionId, state: 'waiting', customerName: 'Kim Minji', locale: 'ko', record: true, startedAt: null, consent: 'pending' },
      peer: { role: 'agent', connected: false },
    });
    expect(welcome.session).not.toHaveProperty('metadata');

    const agent = await Participant.join(s.sessionId, s.agentUrl);
    expect((await agent.next('welcome')).peer).toMatchObject({ role: 'customer', connected: true });
    expect(await customer.next('peer-joined')).toEqual({ type: 'peer-joined', role: 'agent' });

    agent.send({ type: 'media-state', audio: false, video: true });
    expect(await customer.next('peer-media')).toEqual({ type: 'peer-media', role: 'agent', audio: false, video: true });

    customer.send('{not json');
    expect(await customer.next('error')).toMatchObject({ code: 'invalid_json' });
    customer.send({ type: 'publish', sdp: 'v=0' });
    expect(await customer.next('error')).toMatchObject({ code: 'validation_failed' });
    customer.send({ type: 'nonsense' });
    expect(await customer.next('error')).toMatchObject({ code: 'validation_failed' });
    customer.send('x'.repeat(70_000));
    expect(await customer.next('error')).toMatchObject({ code: 'payload_too_large' });
    // Still open and still relaying.
    customer.send({ type: 'media-state', audio: true, video: false });
    expect(await agent.next('peer-media')).toEqual({ type: 'peer-media', role: 'customer', audio: true, video: false });
    expect(customer.closed).toBeNull();

    const view = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json());
    expect(view.state).toBe('waiting');
    expect(view.participants.map((p) => p.connected)).toEqual([true, true]);

    agent.close();
    expect(await customer.next('peer-left')).toEqual({ type: 'peer-left', role: 'agent' });
    await eventually(async () => {
      const after = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json());
      expect(after.participants[1]).toMatchObject({ role: 'agent', connected: false });
      expect(after.participants[1]!.leftAt).not.toBeNull();
    });
  });

  it('a newer connection of the same role replaces the older one (close 4001)', async () => {
    const s = await createSession();
    const first = await Participant.join(s.sessionId, s.customerUrl);
    await first.next('welcome');
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    const second = await Participant.join(s.sessionId, s.customerUrl);
    await second.next('welcome');
    expect((await first.waitClosed()).code).toBe(4001);
    // The agent sees the customer join again, never leave.
    await agent.next('peer-joined');
    second.send({ type: 'media-state', audio: false, video: false });
    await agent.next('peer-media');
    expect(agent.count('peer-left')).toBe(0);
  });

  it('relays publish / subscribe / trickle through the node and reaches in_call', async () => {
    const s = await createSession({ record: false });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await customer.next('welcome');
    await agent.next('welcome');

    customer.send({ type: 'publish', sdp: 'v=0 customer-offer', audio: true, video: true });
    expect(await customer.next('published')).toEqual({ type: 'published', sdp: 'v=0 answer-for-customer' });
    expect(await agent.next('peer-media')).toEqual({ type: 'peer-media', role: 'customer', audio: true, video: true });
    customer.send({ type: 'trickle', leg: 'publisher', candidate: { candidate: 'candidate:1 1 tcp 1 10.0.0.2 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 } });
    // At the node before the next one: the test runtime's socket may swap back-to-back frames (see giveConsent).
    await eventually(() => expect(node.commands.some((c) => c.type === 'trickle')).toBe(true));
    customer.send({ type: 'trickle', leg: 'publisher', candidate: null });

    agent.send({ type: 'publish', sdp: 'v=0 agent-offer', audio: true, video: false });
    expect(await agent.next('published')).toEqual({ type: 'published', sdp: 'v=0 answer-for-agent' });

    // The node reports the customer's publisher up: the agent gets the customer's feed.
    expect((await signedNodeEvent('node-a', { type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', event: 'webrtcup' })).status).toBe(200);
    expect(await customer.next('media-event')).toEqual({ type: 'media-event', leg: 'publisher', event: 'webrtcup' });
    expect(await agent.next('subscribe-offer')).toEqual({ type: 'subscribe-offer', sdp: 'v=0 offer-of-customer-for-agent' });
    agent.send({ type: 'subscribe-answer', sdp: 'v=0 agent-answer' });
    await agent.next('subscribed');

    await signedNodeEvent('node-a', { type: 'media', sessionId: s.sessionId, participant: 'agent', leg: 'publisher', event: 'webrtcup' });
    expect(await customer.next('subscribe-offer')).toEqual({ type: 'subscribe-offer', sdp: 'v=0 offer-of-agent-for-customer' });
    const state = await customer.next('session-state');
    expect(state.state).toBe('in_call');
    expect(state.startedAt).not.toBeNull();
    expect((await agent.next('session-state')).startedAt).toBe(state.startedAt);

    // Each participant's commands arrive in its own order (the two sockets interleave freely).
    const byParticipant = (role: string) => node.commands.filter((c) => 'participant' in c && c.participant === role);
    expect(node.commands[0]).toEqual({ type: 'create-room', sessionId: s.sessionId, record: false });
    expect(byParticipant('customer')).toEqual([
      { type: 'publish', sessionId: s.sessionId, participant: 'customer', segment: 1, display: 'Kim Minji', sdp: 'v=0 customer-offer', audio: true, video: true, transport: 'direct' },
      {
        type: 'trickle',
        sessionId: s.sessionId,
        participant: 'customer',
        leg: 'publisher',
        candidate: { candidate: 'candidate:1 1 tcp 1 10.0.0.2 9 typ host tcptype active', sdpMid: '0', sdpMLineIndex: 0 },
      },
      { type: 'trickle', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', candidate: null },
      { type: 'subscribe', sessionId: s.sessionId, participant: 'customer', feed: 'agent', transport: 'direct' },
    ]);
    expect(byParticipant('agent')).toEqual([
      { type: 'publish', sessionId: s.sessionId, participant: 'agent', segment: 1, display: 'agent', sdp: 'v=0 agent-offer', audio: true, video: false, transport: 'direct' },
      { type: 'subscribe', sessionId: s.sessionId, participant: 'agent', feed: 'customer', transport: 'direct' },
      { type: 'subscribe-answer', sessionId: s.sessionId, participant: 'agent', sdp: 'v=0 agent-answer' },
    ]);
    expect(node.commands).toHaveLength(8);

    agent.send({ type: 'media-state', audio: false, video: false });
    // The customer still holds the peer-media of the agent's publish (audio on): wait for the switch
    // itself, which the session relays only after commanding `configure`.
    while ((await customer.next('peer-media')).audio) {
      // the publish-time announcement
    }
    customer.send({ type: 'hang-up' });
    const endedC = await customer.next('session-ended');
    const endedA = await agent.next('session-ended');
    expect(endedC).toEqual(endedA);
    expect(endedC).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_customer' });
    expect(endedC.durationMs).toBe(Date.parse(endedC.endedAt) - Date.parse(state.startedAt!));
    await customer.waitClosed();
    await agent.waitClosed();
    await eventually(() => expect(node.commands.at(-1)).toEqual({ type: 'destroy-room', sessionId: s.sessionId }));
    expect(node.commands).toContainEqual({ type: 'configure', sessionId: s.sessionId, participant: 'agent', audio: false, video: false });
  });

  it('a node failure answers media_node_error to the browser and keeps the socket', async () => {
    const s = await createSession();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    await giveConsent(customer, s.sessionId);
    node.failing.add('publish');
    customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    const error = await customer.next('error');
    expect(error.code).toBe('media_node_error');
    expect(error.message).toContain('janus said no to publish');
    node.failing.clear();
    customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    expect((await customer.next('published')).sdp).toBe('v=0 answer-for-customer');
    // The Janus room was created once, before the first publish; the failed publish used up segment 1
    // (the node may have started recording it), so the retry records segment 2.
    expect(node.commands.filter((c) => c.type === 'create-room')).toHaveLength(1);
    expect(node.commands.filter((c) => c.type === 'publish').map((c) => c.type === 'publish' && c.segment)).toEqual([1, 2]);
  });
});

describe('connect-then-join: a socket opened on standby (issue 16)', () => {
  /** Opens the role's socket on standby, as a page does before its participant enters the call. */
  async function standby(sessionId: string, joinUrl: string): Promise<Participant> {
    const res = await SELF.fetch(`${ORIGIN}${SessionBrowserPaths.standbySocket(sessionId)}`, {
      headers: { upgrade: 'websocket', 'sec-websocket-protocol': `vident.v1, vident-token.${tokenOf(joinUrl)}` },
    });
    expect(res.status).toBe(101);
    return new Participant(res.webSocket!);
  }
  const agentConnected = async (sessionId: string) =>
    SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json()).participants.find((p) => p.role === 'agent')!.connected;
  const joins = async (sessionId: string) => (await auditTrail(sessionId)).entries.filter((e) => e.action === 'participant.joined' && e.actor === 'agent').length;
  // The node's capacity (10) is shared by the file: each test here ends its session.
  let ending: string[] = [];
  const session = async () => {
    const s = await createSession();
    ending.push(s.sessionId);
    return s;
  };
  afterEach(async () => {
    for (const id of ending) await signedFetch('DELETE', `/v1/sessions/${id}`);
    ending = [];
  });

  it('is neither welcomed nor announced until it sends join; then it is, as a plain connection is', async () => {
    const s = await session();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    const agent = await standby(s.sessionId, s.agentUrl);
    // The customer's frames reach no standby socket, and the customer is told of no agent.
    customer.send({ type: 'media-state', audio: true, video: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.received).toEqual([]);
    expect(customer.count('peer-joined')).toBe(0);
    expect(await agentConnected(s.sessionId)).toBe(false);
    expect(await joins(s.sessionId)).toBe(0);

    agent.send({ type: 'join' });
    expect((await agent.next('welcome')).peer).toMatchObject({ role: 'customer', connected: true });
    expect(await customer.next('peer-joined')).toEqual({ type: 'peer-joined', role: 'agent' });
    expect(await agentConnected(s.sessionId)).toBe(true);
    expect(await joins(s.sessionId)).toBe(1);
    // Now it is the agent's connection: relayed both ways; a second join changes nothing.
    agent.send({ type: 'join' });
    customer.send({ type: 'media-state', audio: false, video: true });
    expect(await agent.next('peer-media')).toEqual({ type: 'peer-media', role: 'customer', audio: false, video: true });
    agent.send({ type: 'media-state', audio: true, video: true });
    expect(await customer.next('peer-media')).toEqual({ type: 'peer-media', role: 'agent', audio: true, video: true });
    expect(agent.count('welcome')).toBe(0);
    expect(await joins(s.sessionId)).toBe(1);
  });

  it("keeps the customer's page on standby through its landing page and pre-call check: not in the call until join", async () => {
    const s = await session();
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    const customer = await standby(s.sessionId, s.customerUrl);
    agent.send({ type: 'media-state', audio: true, video: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(customer.received).toEqual([]);
    expect(agent.count('peer-joined')).toBe(0);
    const customerJoins = async () => (await auditTrail(s.sessionId)).entries.filter((e) => e.action === 'participant.joined' && e.actor === 'customer').length;
    expect(await customerJoins()).toBe(0);

    customer.send({ type: 'join' });
    expect((await customer.next('welcome')).peer).toMatchObject({ role: 'agent', connected: true });
    expect(await agent.next('peer-joined')).toEqual({ type: 'peer-joined', role: 'customer' });
    expect(await customerJoins()).toBe(1);
  });

  it('leaves the joined page of the role alone until it joins, then replaces it (close 4001)', async () => {
    const s = await session();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    const first = await Participant.join(s.sessionId, s.agentUrl);
    await first.next('welcome');
    await customer.next('peer-joined');
    const second = await standby(s.sessionId, s.agentUrl);
    customer.send({ type: 'media-state', audio: false, video: false });
    expect(await first.next('peer-media')).toMatchObject({ role: 'customer' });
    expect(first.closed).toBeNull();

    second.send({ type: 'join' });
    await second.next('welcome');
    expect((await first.waitClosed()).code).toBe(4001);
    expect(customer.count('peer-left')).toBe(0);
  });

  it('answers any other frame with an error and closes (1008), joining nobody', async () => {
    const s = await session();
    const agent = await standby(s.sessionId, s.agentUrl);
    agent.send({ type: 'media-state', audio: true, video: true });
    expect(await agent.next('error')).toMatchObject({ code: 'bad_request' });
    expect((await agent.waitClosed()).code).toBe(1008);
    const junk = await standby(s.sessionId, s.agentUrl);
    junk.send('not json');
    expect((await junk.next('error')).code).not.toBe('');
    expect((await junk.waitClosed()).code).toBe(1008);
    expect(await agentConnected(s.sessionId)).toBe(false);
    expect(await joins(s.sessionId)).toBe(0);
  });

  it('a session that ended meanwhile tells the joining socket so and closes it', async () => {
    const s = await session();
    const agent = await standby(s.sessionId, s.agentUrl);
    await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`);
    // The end closes every socket of the session, standby ones too.
    expect((await agent.waitClosed()).code).toBe(1000);
    expect(await joins(s.sessionId)).toBe(0);
  });
});

function signedNodeEvent(nodeId: string, event: unknown): Promise<Response> {
  return nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, event);
}
