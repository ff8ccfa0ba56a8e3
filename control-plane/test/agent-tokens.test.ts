import { AgentRevocation, AuditTrail, DeskTokenRefresh, ErrorBody, SessionBrowserPaths, SessionView, type AgentSignInRequest } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintDeskToken } from '../src/desk/desk-token.ts';
import { clearDesk, Console, deskObject, openDesk, signIn } from './desk-helpers.ts';
import { seal, pattern } from './evidence-helpers.ts';
import { createSession, eventually, fullChecklist, installFakeNode, openSocket, ORIGIN, Participant, registerNode, signedFetch, startCall, tokenOf } from './helpers.ts';

/*
 * Agent-bound tokens (security review finding 4): a desk agent's link names the agent and its
 * assignment and admits only while that assignment is current; the bank's own agent link stops
 * admitting once the desk gave the session to an agent; decisions name the agent; desk tokens are
 * short-lived with a refresh, and the bank revokes an agent at once.
 */

installFakeNode();

beforeEach(async () => {
  await registerNode('node-agent-tokens');
  await clearDesk();
});

afterEach(async () => {
  await Participant.closeAll();
  await Console.closeAll();
});

const view = async (sessionId: string) => SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
const audit = async (sessionId: string) => AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());

/** An agent signs in, a customer waits, the agent accepts: the console, the session and the link the desk minted. */
async function takenBy(agent: AgentSignInRequest, externalRef: string) {
  const console = await Console.connect((await signIn(agent)).token);
  const s = await createSession({ record: false, externalRef });
  const customer = await Participant.join(s.sessionId, s.customerUrl);
  await console.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId && !e.assigned));
  console.send({ type: 'accept', sessionId: s.sessionId });
  const { callUrl } = await console.next('assigned', (m) => m.sessionId === s.sessionId);
  return { console, s, customer, callUrl };
}

/** The session refuses this link: told on the socket (token_revoked), then closed with 4003. */
async function refusedJoin(sessionId: string, joinUrl: string): Promise<void> {
  const res = await openSocket(sessionId, tokenOf(joinUrl));
  expect(res.status).toBe(101);
  const p = new Participant(res.webSocket!);
  expect(await p.next('error')).toMatchObject({ code: 'token_revoked' });
  expect((await p.waitClosed()).code).toBe(4003);
  expect(p.count('welcome')).toBe(0);
}

function postCapture(sessionId: string, token: string, body: BodyInit): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/sessions/${sessionId}/captures?capture=id_front`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
    body,
  });
}

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ErrorBody.parse(await res.json()).error.code];
}

/** Moves the desk's assignment clock past the no-show timeout and runs its alarm. */
async function noShowTimeout(): Promise<void> {
  await runInDurableObject(deskObject(), (_, state) => {
    state.storage.sql.exec('UPDATE assignments SET at = at - 121000');
  });
  expect(await runDurableObjectAlarm(deskObject())).toBe(true);
}

describe("a desk agent's link", () => {
  it('is refused once its agent was released after the no-show timeout, for the call and for captures, and another agent takes over', async () => {
    const one = await takenBy({ agentId: 'agent.one', name: 'One' }, 'released');
    one.console.ws.close(1000, 'to the call');
    await noShowTimeout();
    expect((await view(one.s.sessionId)).agent).toBeUndefined();

    await refusedJoin(one.s.sessionId, one.callUrl);
    expect(await codeOf(await postCapture(one.s.sessionId, tokenOf(one.callUrl), await seal(pattern(2000, 7), 'image/jpeg')))).toEqual([401, 'token_revoked']);

    // Another agent takes the customer; the released agent's link still opens nothing and does not unseat it.
    const two = await Console.connect((await signIn({ agentId: 'agent.two', name: 'Two' })).token);
    await two.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === one.s.sessionId && !e.assigned));
    two.send({ type: 'accept', sessionId: one.s.sessionId });
    const { callUrl } = await two.next('assigned');
    const agentTwo = await Participant.join(one.s.sessionId, callUrl);
    expect((await agentTwo.next('welcome')).role).toBe('agent');
    await refusedJoin(one.s.sessionId, one.callUrl);
    expect(agentTwo.closed).toBeNull();
    expect((await view(one.s.sessionId)).participants.find((p) => p.role === 'agent')!.connected).toBe(true);
  });

  it("makes the bank's own agent link refused once the desk gave the session to an agent; the agent's reload replaces its own socket", async () => {
    const { s, callUrl } = await takenBy({ agentId: 'agent.one', name: 'One' }, 'bank-link');
    await refusedJoin(s.sessionId, s.agentUrl);
    expect(await codeOf(await postCapture(s.sessionId, tokenOf(s.agentUrl), await seal(pattern(2000, 8), 'image/jpeg')))).toEqual([401, 'token_revoked']);

    // A claim header of the client's own is never believed: the Worker sets it from the verified token only.
    const claim = JSON.parse(atob(tokenOf(callUrl).split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { aid: string; asg: string };
    const smuggled = await SELF.fetch(`${ORIGIN}/v1/sessions/${s.sessionId}/ws`, {
      headers: {
        upgrade: 'websocket',
        'sec-websocket-protocol': `vident.v1, vident-token.${tokenOf(s.agentUrl)}`,
        'x-vident-agent-claim': JSON.stringify({ agentId: claim.aid, assignmentId: claim.asg }),
      },
    });
    const smuggler = new Participant(smuggled.webSocket!);
    expect(await smuggler.next('error')).toMatchObject({ code: 'token_revoked' });

    const first = await Participant.join(s.sessionId, callUrl);
    await first.next('welcome');
    // The bank's link, now that the agent is in: refused, and the agent keeps its seat.
    await refusedJoin(s.sessionId, s.agentUrl);
    expect(first.closed).toBeNull();
    // The same agent again (a reload): the newer socket takes over.
    const reload = await Participant.join(s.sessionId, callUrl);
    await reload.next('welcome');
    expect((await first.waitClosed()).code).toBe(4001);
  });

  it("refuses the join of the bank's link opened on standby before the desk gave the session to an agent", async () => {
    const console = await Console.connect((await signIn({ agentId: 'agent.one', name: 'One' })).token);
    const s = await createSession({ record: false, externalRef: 'standby-bank-link' });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    const opened = await SELF.fetch(`${ORIGIN}${SessionBrowserPaths.standbySocket(s.sessionId)}`, {
      headers: { upgrade: 'websocket', 'sec-websocket-protocol': `vident.v1, vident-token.${tokenOf(s.agentUrl)}` },
    });
    const standby = new Participant(opened.webSocket!);
    await console.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId && !e.assigned));
    console.send({ type: 'accept', sessionId: s.sessionId });
    await console.next('assigned', (m) => m.sessionId === s.sessionId);
    expect(standby.closed).toBeNull();
    standby.send({ type: 'join' });
    expect(await standby.next('error')).toMatchObject({ code: 'token_revoked' });
    expect((await standby.waitClosed()).code).toBe(4003);
    expect(standby.count('welcome')).toBe(0);
    expect(customer.count('peer-joined')).toBe(0);
    expect((await view(s.sessionId)).participants.find((p) => p.role === 'agent')!.connected).toBe(false);
  });

  it('still lets the bank use its own agent link for a session the desk never assigned', async () => {
    const s = await createSession({ record: false, externalRef: 'no-desk' });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    expect((await agent.next('welcome')).role).toBe('agent');
  });
});

describe('a decision', () => {
  it('names the desk agent who made it (id and display name) in the outcome and the audit trail', async () => {
    const { s, callUrl } = await takenBy({ agentId: 'kim.minji', name: '김민지' }, 'decided-by');
    const { agent } = await startCall({ ...s, agentUrl: callUrl });
    agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'ok', checklist: fullChecklist() });
    await agent.next('session-ended');
    const v = await view(s.sessionId);
    expect(v.outcome).toEqual({ state: 'decided', decision: 'approved', reasonCodes: [], note: 'ok', decidedBy: 'agent', agent: { id: 'kim.minji', name: '김민지' } });
    const decided = (await audit(s.sessionId)).entries.find((e) => e.action === 'session.decided')!;
    expect(decided.detail).toMatchObject({ agentId: 'kim.minji', agentName: '김민지' });
  });
});

describe('desk tokens', () => {
  const refresh = (token: string | null) =>
    SELF.fetch(`${ORIGIN}/v1/desk/token`, { method: 'POST', headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  it('live 15 minutes and are refreshed for the same sign-in, never past its end', async () => {
    const { token, answer } = await signIn({ agentId: 'agent.one', name: 'One', ttlMinutes: 60 });
    const left = Date.parse(answer.tokenExpiresAt) - Date.now();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
    expect(Date.parse(answer.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);

    const res = await refresh(token);
    expect(res.status).toBe(200);
    const fresh = DeskTokenRefresh.parse(await res.json());
    expect(fresh.signInExpiresAt).toBe(answer.expiresAt);
    expect(Date.parse(fresh.expiresAt)).toBeGreaterThanOrEqual(Date.parse(answer.tokenExpiresAt));
    // The fresh token opens the console and refreshes in turn.
    await Console.connect(fresh.token);
    expect((await refresh(fresh.token)).status).toBe(200);

    // A sign-in shorter than a token's life: its tokens end with it.
    const short = await signIn({ agentId: 'agent.two', name: 'Two', ttlMinutes: 2 });
    expect(short.answer.tokenExpiresAt).toBe(short.answer.expiresAt);
    const capped = DeskTokenRefresh.parse(await (await refresh(short.token)).json());
    expect(capped.expiresAt).toBe(short.answer.expiresAt);
  });

  it('refuses to refresh an expired, forged or missing token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintDeskToken('test-token-secret-0123456789abcdef', { aid: 'a', name: 'A', role: 'agent', loc: ['ko'], exp: now - 1, until: now + 3600, gen: 0 });
    expect(await codeOf(await refresh(expired))).toEqual([401, 'token_expired']);
    const forged = await mintDeskToken('some-other-secret-0123456789abcdef', { aid: 'a', name: 'A', role: 'agent', loc: ['ko'], exp: now + 60, until: now + 3600, gen: 0 });
    expect(await codeOf(await refresh(forged))).toEqual([401, 'token_invalid']);
    expect(await codeOf(await refresh(null))).toEqual([401, 'token_invalid']);
    const s = await createSession({ record: false });
    expect(await codeOf(await refresh(tokenOf(s.agentUrl)))).toEqual([401, 'token_invalid']);
  });
});

describe('revoking an agent (POST /v1/agents/:agentId/revoke)', () => {
  it('cuts the agent off at once: its call socket and link, its console, and every desk token it had; a new sign-in works again', async () => {
    const signedIn = await signIn({ agentId: 'agent.gone', name: 'Gone', role: 'agent', ttlMinutes: 60 });
    const { s, callUrl, console } = await takenBy({ agentId: 'agent.gone', name: 'Gone' }, 'revoked');
    const { agent, customer } = await startCall({ ...s, agentUrl: callUrl });

    expect((await SELF.fetch(`${ORIGIN}/v1/agents/agent.gone/revoke`, { method: 'POST' })).status).toBe(401);
    const res = await signedFetch('POST', '/v1/agents/agent.gone/revoke');
    expect(res.status).toBe(200);
    expect(AgentRevocation.parse(await res.json())).toMatchObject({ agentId: 'agent.gone', sessionId: s.sessionId });

    // In the call: told and closed; its link opens nothing any more; the customer stays.
    expect(await agent.next('error')).toMatchObject({ code: 'token_revoked' });
    expect((await agent.waitClosed()).code).toBe(4003);
    await refusedJoin(s.sessionId, callUrl);
    expect(customer.closed).toBeNull();
    const trail = await audit(s.sessionId);
    expect(trail.entries.filter((e) => e.action === 'agent.revoked')).toEqual([expect.objectContaining({ actor: 'bank:bank-test', detail: { agentId: 'agent.gone' } })]);

    // On the desk: the console is told and closed, and no token from before opens, refreshes or reads anything.
    expect(await console.next('error')).toMatchObject({ code: 'token_revoked' });
    await eventually(() => expect(console.closed).toBe(true));
    const reopened = await openDesk(signedIn.token);
    expect(reopened.status).toBe(101);
    const refusedConsole = new Console(reopened.webSocket!);
    expect(await refusedConsole.next('error')).toMatchObject({ code: 'token_revoked' });
    await eventually(() => expect(refusedConsole.closed).toBe(true));
    expect(refusedConsole.received.some((m) => m.type === 'desk-welcome')).toBe(false);
    expect(await codeOf(await SELF.fetch(`${ORIGIN}/v1/desk/token`, { method: 'POST', headers: { authorization: `Bearer ${signedIn.token}` } }))).toEqual([401, 'token_revoked']);

    // The bank signs the agent in again (its own decision): that works.
    await Console.connect((await signIn({ agentId: 'agent.gone', name: 'Gone' })).token);
  });

  it('gives a customer the revoked agent had not joined yet back to the queue', async () => {
    const { s, callUrl } = await takenBy({ agentId: 'agent.late', name: 'Late' }, 'revoked-unjoined');
    const other = await Console.connect((await signIn({ agentId: 'agent.next', name: 'Next' })).token);
    expect((await signedFetch('POST', '/v1/agents/agent.late/revoke')).status).toBe(200);
    expect((await view(s.sessionId)).agent).toBeUndefined();
    const released = (await audit(s.sessionId)).entries.filter((e) => e.action === 'agent.released');
    expect(released).toEqual([expect.objectContaining({ actor: 'bank:bank-test', detail: { agentId: 'agent.late', reason: 'revoked' } })]);
    await refusedJoin(s.sessionId, callUrl);
    await other.next('desk-queue', (m) => m.entries.some((e) => e.sessionId === s.sessionId && !e.assigned));
    other.send({ type: 'accept', sessionId: s.sessionId });
    expect((await other.next('assigned')).sessionId).toBe(s.sessionId);
  });

  it('refuses a malformed agent id', async () => {
    const res = await signedFetch('POST', '/v1/agents/has%20space/revoke');
    expect(await codeOf(res)).toEqual([400, 'validation_failed']);
  });
});
