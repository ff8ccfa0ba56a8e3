import { AuditTrail, ErrorBody, SessionView } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../src/session/participant-token.ts';
import { mintDeskToken } from '../src/desk/desk-token.ts';
import { clearDesk, Console, deskObject, openDesk, signIn } from './desk-helpers.ts';
import { createSession, eventually, installFakeNode, Participant, registerNode, signedFetch, tokenOf, type FakeNode } from './helpers.ts';

// Installed for the whole file: sockets closed at the end of a test still send `leave` commands.
const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-a');
  await clearDesk();
});

afterEach(async () => {
  await Participant.closeAll();
  await Console.closeAll();
});

const getView = async (sessionId: string) => SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
const audit = async (sessionId: string) => AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());

describe('POST /v1/agents/sign-ins', () => {
  it('answers a console link for agents and supervisors, signed only', async () => {
    const { answer } = await signIn({ agentId: 'agent.kim', name: '김상담', ttlMinutes: 30 });
    expect(answer.consoleUrl).toMatch(/^http:\/\/vident\.test\/agent#token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Date.parse(answer.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(answer.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const boss = await signIn({ agentId: 'boss', name: 'Boss', role: 'supervisor' });
    expect(boss.answer.consoleUrl).toMatch(/\/supervisor#token=/);

    const unsigned = await SELFpost('/v1/agents/sign-ins', { agentId: 'x', name: 'x' });
    expect(unsigned.status).toBe(401);
    const bad = await signedFetch('POST', '/v1/agents/sign-ins', { agentId: 'has space', name: 'x' });
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(await bad.json()).error.code).toBe('validation_failed');
  });
});

async function SELFpost(path: string, body: unknown): Promise<Response> {
  const { SELF } = await import('cloudflare:test');
  return SELF.fetch(`http://vident.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('the desk socket', () => {
  it('refuses a missing, participant, forged or expired token before upgrading', async () => {
    const s = await createSession({ record: false });
    const refused = async (res: Response, code: string) => {
      expect(res.status).toBe(401);
      expect(res.webSocket).toBeNull();
      expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
    };
    await refused(await openDesk(null), 'token_invalid');
    await refused(await openDesk(tokenOf(s.agentUrl)), 'token_invalid');
    const secret = 'test-token-secret-0123456789abcdef';
    const expired = await mintDeskToken(secret, { aid: 'a', name: 'A', role: 'agent', loc: ['ko'], exp: Math.floor(Date.now() / 1000) - 1, until: Math.floor(Date.now() / 1000) + 60, gen: 0 });
    await refused(await openDesk(expired), 'token_expired');
    const forged = await mintDeskToken('some-other-secret-0123456789abcdef', { aid: 'a', name: 'A', role: 'agent', loc: ['ko'], exp: Math.floor(Date.now() / 1000) + 60, until: Math.floor(Date.now() / 1000) + 60, gen: 0 });
    await refused(await openDesk(forged), 'token_invalid');
    // And a desk token opens no session socket.
    const { token } = await signIn({ agentId: 'a', name: 'A' });
    const asParticipant = await Participant.join(s.sessionId, `http://x/join#token=${await mintToken(secret, { sid: s.sessionId, role: 'customer', exp: Math.floor(Date.now() / 1000) + 60 })}`);
    asParticipant.close();
    const { openSocket } = await import('./helpers.ts');
    const res = await openSocket(s.sessionId, token);
    expect(res.status).toBe(401);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('token_invalid');
  });
});

describe('the live queue', () => {
  it('lists waiting customers first come first served and tells each customer its position, with no estimate yet', async () => {
    const { token } = await signIn({ agentId: 'agent.one', name: 'One' });
    const desk = await Console.connect(token);
    const a = await createSession({ record: false, externalRef: 'case-a', locale: 'en' });
    const b = await createSession({ record: false, externalRef: 'case-b' });
    const ca = await Participant.join(a.sessionId, a.customerUrl);
    await desk.next('desk-queue', (m) => m.entries.length === 1);
    const cb = await Participant.join(b.sessionId, b.customerUrl);
    const queue = await desk.next('desk-queue', (m) => m.entries.length === 2);
    expect(queue.entries.map((e) => [e.externalRef, e.position, e.locale, e.assigned])).toEqual([
      ['case-a', 1, 'en', false],
      ['case-b', 2, 'ko', false],
    ]);
    expect(queue.agentsOnline).toBe(1);
    // No finished call yet: the customers are told their place and, honestly, no estimate.
    expect(await ca.next('queue')).toEqual({ type: 'queue', position: 1, estimateSeconds: null, agentsOnline: 1 });
    expect(await cb.next('queue')).toEqual({ type: 'queue', position: 2, estimateSeconds: null, agentsOnline: 1 });

    // The first customer leaves: the second moves up.
    ca.close();
    expect(await cb.next('queue')).toEqual({ type: 'queue', position: 1, estimateSeconds: null, agentsOnline: 1 });
    await desk.next('desk-queue', (m) => m.entries.length === 1 && m.entries[0]!.externalRef === 'case-b');
  });

  it('estimates position x average handle time / agents online once calls have finished', async () => {
    await runInDurableObject(deskObject(), (_, state) => {
      // Two finished calls of 2 and 4 minutes: 3 minutes on average.
      state.storage.sql.exec('INSERT INTO calls (session_id, call_ms, ended_at) VALUES (?, ?, ?), (?, ?, ?)', 'x1', 120_000, Date.now(), 'x2', 240_000, Date.now());
    });
    const one = await Console.connect((await signIn({ agentId: 'agent.one', name: 'One' })).token);
    await Console.connect((await signIn({ agentId: 'agent.two', name: 'Two' })).token);
    const a = await createSession({ record: false, externalRef: 'est-a' });
    const b = await createSession({ record: false, externalRef: 'est-b' });
    const ca = await Participant.join(a.sessionId, a.customerUrl);
    await one.next('desk-queue', (m) => m.entries.length === 1);
    const cb = await Participant.join(b.sessionId, b.customerUrl);
    expect(await ca.next('queue')).toEqual({ type: 'queue', position: 1, estimateSeconds: 90, agentsOnline: 2 });
    expect(await cb.next('queue')).toEqual({ type: 'queue', position: 2, estimateSeconds: 180, agentsOnline: 2 });
    // An agent going away changes everyone's estimate.
    one.send({ type: 'availability', available: false });
    await one.next('desk-status', (m) => m.status === 'away');
    expect(await cb.next('queue')).toEqual({ type: 'queue', position: 2, estimateSeconds: 360, agentsOnline: 1 });
  });

  it('lets exactly one of two agents accepting the same customer win, records and audits it, and the link joins the call', async () => {
    const one = await Console.connect((await signIn({ agentId: 'agent.one', name: 'Agent One' })).token);
    const two = await Console.connect((await signIn({ agentId: 'agent.two', name: 'Agent Two' })).token);
    const s = await createSession({ record: false, externalRef: 'race' });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await one.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId));
    await two.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId));

    one.send({ type: 'accept', sessionId: s.sessionId });
    two.send({ type: 'accept', sessionId: s.sessionId });
    await eventually(() => expect(one.received.concat(two.received).filter((m) => m.type === 'assigned' || m.type === 'error')).toHaveLength(2));
    const outcomes = [one, two].map((c) => c.received.find((m) => m.type === 'assigned' || m.type === 'error')!);
    expect(outcomes.filter((m) => m.type === 'assigned')).toHaveLength(1);
    const loser = outcomes.find((m) => m.type === 'error')!;
    expect(loser).toMatchObject({ type: 'error', code: 'conflict' });
    const winner = outcomes[0]!.type === 'assigned' ? { c: one, id: 'agent.one', name: 'Agent One' } : { c: two, id: 'agent.two', name: 'Agent Two' };
    const assigned = await winner.c.next('assigned');

    const view = await getView(s.sessionId);
    expect(view.agent).toEqual({ id: winner.id, name: winner.name });
    const entries = (await audit(s.sessionId)).entries.filter((e) => e.action === 'agent.assigned');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'agent', detail: { agentId: winner.id, name: winner.name, via: 'pick' } });

    // The link is a fresh agent link of that session: it joins the call and the wait ends.
    expect(assigned.callUrl).toMatch(new RegExp(`^http://vident\\.test/join\\?lang=ko#token=`));
    const agent = await Participant.join(s.sessionId, assigned.callUrl);
    expect((await agent.next('welcome')).role).toBe('agent');
    await winner.c.next('desk-queue', (m) => !m.entries.some((e) => e.sessionId === s.sessionId));
    await runInDurableObject(deskObject(), (_, state) => {
      expect(state.storage.sql.exec('SELECT COUNT(*) AS n FROM waits WHERE session_id = ?', s.sessionId).one().n).toBe(1);
      expect(state.storage.sql.exec("SELECT status, session_id FROM agents WHERE agent_id = ?", winner.id).one()).toEqual({ status: 'busy', session_id: s.sessionId });
    });
    // A late accept by the other agent is refused: the customer is no longer waiting.
    const other = winner.c === one ? two : one;
    other.send({ type: 'accept', sessionId: s.sessionId });
    expect(await other.next('error', (m) => m.code === 'not_found')).toMatchObject({ code: 'not_found' });

    // The session ends: its call time is history and the agent is available again.
    customer.send({ type: 'hang-up' });
    await winner.c.next('desk-status', (m) => m.status === 'available');
    await runInDurableObject(deskObject(), (_, state) => {
      expect(state.storage.sql.exec('SELECT status, session_id FROM agents WHERE agent_id = ?', winner.id).one()).toEqual({ status: 'available', session_id: null });
    });
  });

  it('offers the customer again when the agent who took it does not join in time', async () => {
    const one = await Console.connect((await signIn({ agentId: 'agent.one', name: 'One' })).token);
    const s = await createSession({ record: false, externalRef: 'no-show' });
    await Participant.join(s.sessionId, s.customerUrl);
    await one.next('desk-queue', (m) => m.entries.length === 1);
    one.send({ type: 'accept', sessionId: s.sessionId });
    await one.next('assigned');
    // The console closes, as it does when the agent goes to the call; the agent never arrives there.
    one.ws.close(1000, 'to the call');
    const two = await Console.connect((await signIn({ agentId: 'agent.two', name: 'Two' })).token);
    two.send({ type: 'accept', sessionId: s.sessionId });
    expect(await two.next('error')).toMatchObject({ code: 'conflict' });

    // Two minutes later (moved back in storage rather than waited for), the alarm releases the customer.
    await runInDurableObject(deskObject(), (_, state) => {
      state.storage.sql.exec('UPDATE assignments SET at = at - 121000');
    });
    expect(await runDurableObjectAlarm(deskObject())).toBe(true);
    expect((await getView(s.sessionId)).agent).toBeUndefined();
    const released = (await audit(s.sessionId)).entries.filter((e) => e.action === 'agent.released');
    expect(released).toEqual([expect.objectContaining({ actor: 'system', detail: { agentId: 'agent.one', reason: 'did_not_join' } })]);
    await two.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId && !e.assigned));
    await runInDurableObject(deskObject(), (_, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM agents WHERE agent_id = 'agent.one'").one().n).toBe(0);
    });
    two.send({ type: 'accept', sessionId: s.sessionId });
    expect((await two.next('assigned')).sessionId).toBe(s.sessionId);
    expect((await getView(s.sessionId)).agent).toEqual({ id: 'agent.two', name: 'Two' });
  });

  it('refuses accepting by a supervisor, and bad frames, with stable codes', async () => {
    const boss = await Console.connect((await signIn({ agentId: 'boss', name: 'Boss', role: 'supervisor' })).token);
    const s = await createSession({ record: false });
    await Participant.join(s.sessionId, s.customerUrl);
    await boss.next('desk-queue', (m) => m.entries.length === 1);
    boss.send({ type: 'accept', sessionId: s.sessionId });
    expect(await boss.next('error')).toMatchObject({ code: 'forbidden' });
    boss.ws.send('not json');
    expect(await boss.next('error')).toMatchObject({ code: 'invalid_json' });
    boss.send({ type: 'accept', sessionId: 'nope' });
    expect(await boss.next('error')).toMatchObject({ code: 'validation_failed' });
    expect((await getView(s.sessionId)).agent).toBeUndefined();
  });
});

describe('GET /v1/desk/overview', () => {
  it('is for supervisors: 401 without a token, 403 for an agent', async () => {
    const { SELF } = await import('cloudflare:test');
    const url = 'http://vident.test/v1/desk/overview';
    expect((await SELF.fetch(url)).status).toBe(401);
    expect((await SELF.fetch(url, { headers: { authorization: 'Bearer nope.nope' } })).status).toBe(401);
    const { token } = await signIn({ agentId: 'agent.one', name: 'One' });
    const res = await SELF.fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('forbidden');
  });

  it("shows live sessions with their agent, waiting customers, agents and statuses, today's outcomes and the nodes", async () => {
    const { SELF } = await import('cloudflare:test');
    const { DeskOverview } = await import('@vident/protocol');
    const boss = (await signIn({ agentId: 'boss', name: 'Boss', role: 'supervisor' })).token;
    const one = await Console.connect((await signIn({ agentId: 'agent.one', name: 'One', locales: ['en'] })).token);
    const waiting = await createSession({ record: false, externalRef: 'ov-waiting' });
    const taken = await createSession({ record: false, externalRef: 'ov-taken' });
    const cancelled = await createSession({ record: false, externalRef: 'ov-cancelled' });
    await signedFetch('DELETE', `/v1/sessions/${cancelled.sessionId}`);
    await Participant.join(waiting.sessionId, waiting.customerUrl);
    await Participant.join(taken.sessionId, taken.customerUrl);
    await one.next('desk-queue', (m) => m.entries.length === 2);
    one.send({ type: 'accept', sessionId: taken.sessionId });
    await one.next('assigned');

    const res = await SELF.fetch('http://vident.test/v1/desk/overview', { headers: { authorization: `Bearer ${boss}` } });
    expect(res.status).toBe(200);
    const overview = DeskOverview.parse(await res.json());
    expect(overview.mode).toBe('pick');
    const live = new Map(overview.liveSessions.map((l) => [l.externalRef, l]));
    expect(live.get('ov-taken')).toMatchObject({ state: 'waiting', agent: { id: 'agent.one', name: 'One' }, nodeId: 'node-a' });
    expect(live.get('ov-waiting')).toMatchObject({ state: 'waiting', agent: null });
    expect(live.has('ov-cancelled')).toBe(false);
    expect(overview.waiting.map((w) => [w.externalRef, w.position, w.assigned])).toEqual([
      ['ov-waiting', 1, false],
      ['ov-taken', 2, true],
    ]);
    expect(overview.agents).toEqual([expect.objectContaining({ agentId: 'agent.one', status: 'busy', connected: true, sessionId: taken.sessionId, locales: ['en'] })]);
    expect(overview.today.outcomes.cancelled).toBeGreaterThanOrEqual(1);
    expect(overview.nodes.map((n) => n.nodeId)).toContain('node-a');
  });
});
