import { AuditTrail, SessionView } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, installFakeNode, moveDeadlines, nodeFetch, Participant, registerNode, signedFetch, startCall, type FakeNode, sessionStub, fullChecklist } from './helpers.ts';

// Never restored: sockets closing while the run shuts down still send commands to it.
const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  node.failing.clear();
  await registerNode('node-a');
});

afterEach(() => Participant.closeAll());

const alarmOf = (sessionId: string) => runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());

async function view(sessionId: string): Promise<SessionView> {
  return SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
}

describe('the agent decides', () => {
  it('approves: both get session-ended approved, the bank sees the full decision', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'ID and face match', checklist: fullChecklist() });
    const [c, a] = [await customer.next('session-ended'), await agent.next('session-ended')];
    expect(c).toEqual(a);
    expect(c).toMatchObject({ state: 'decided', reason: 'approved' });
    expect(JSON.stringify(c)).not.toContain('ID and face match'); // the note never reaches a browser
    expect((await customer.waitClosed()).code).toBe(1000);
    expect(await view(s.sessionId)).toMatchObject({
      state: 'decided',
      endReason: 'approved',
      decision: 'approved',
      reasonCodes: [],
      note: 'ID and face match',
      decidedBy: 'agent',
      outcome: { state: 'decided', decision: 'approved', reasonCodes: [], note: 'ID and face match', decidedBy: 'agent' },
    });
    expect(node.commands.at(-1)).toEqual({ type: 'destroy-room', sessionId: s.sessionId });
    // Only the evidence's retention deadline is left (EVIDENCE_RETENTION_DAYS, 1826, after the end).
    expect(await alarmOf(s.sessionId)).toBe(Date.parse((await view(s.sessionId)).endedAt!) + 1826 * 86_400_000);
  });

  it('rejects with reason codes; a rejection without one, a customer, and a decision before the call are refused', async () => {
    const early = await createSession();
    const lonely = await Participant.join(early.sessionId, early.agentUrl);
    await lonely.next('welcome');
    lonely.send({ type: 'decide', decision: 'approved' });
    expect(await lonely.next('error')).toMatchObject({ code: 'invalid_transition' });
    expect((await view(early.sessionId)).state).toBe('created');

    const s = await createSession();
    const { customer, agent } = await startCall(s);
    customer.send({ type: 'decide', decision: 'approved' });
    expect(await customer.next('error')).toMatchObject({ code: 'forbidden' });
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: [] });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'x'.repeat(2001) });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed' });
    expect((await view(s.sessionId)).state).toBe('in_call');

    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'SUSPECTED_FRAUD'], note: '사진 불일치' });
    expect(await customer.next('session-ended')).toMatchObject({ state: 'decided', reason: 'rejected' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'SUSPECTED_FRAUD'], note: '사진 불일치' });
    // Terminal is final: the bank cannot turn a decision into a cancellation.
    const deleted = SessionView.parse(await (await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).json());
    expect(deleted).toMatchObject({ state: 'decided', decision: 'rejected' });
  });

  it('hang-up without a decision cancels on behalf of who hung up', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'hang-up' });
    expect(await customer.next('session-ended')).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_agent' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'cancelled', outcome: { state: 'cancelled', by: 'agent' }, decision: null });
  });
});

describe('technical failure', () => {
  it('a recording that breaks during a recorded call fails the session with its cause', async () => {
    const s = await createSession({ record: true });
    const { customer, agent } = await startCall(s);
    const nodeId = (await view(s.sessionId)).nodeId!;
    const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, { type: 'recording-failed', sessionId: s.sessionId, participant: 'customer', message: 'disk full' });
    expect(res.status).toBe(200);
    for (const p of [customer, agent]) expect(await p.next('session-ended')).toMatchObject({ state: 'failed', reason: 'failed' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'failed', outcome: { state: 'failed', cause: 'recording failed (customer)' } });
    // Final: the bank's delete arriving afterwards changes nothing.
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    expect((await view(s.sessionId)).state).toBe('failed');
  });

  it('a segment the node could not convert is audited: sealed raw, the call goes on; purged, it fails', async () => {
    const s = await createSession({ record: true });
    const { customer, agent } = await startCall(s);
    const nodeId = (await view(s.sessionId)).nodeId!;
    const unconverted = (outcome: 'sealed-raw' | 'purged') => ({ type: 'recording-unconverted', sessionId: s.sessionId, participant: 'customer', segment: 1, outcome, attempts: 4, message: 'conversion failed 4 times: janus-pp-rec failed' });
    expect((await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, unconverted('sealed-raw'))).status).toBe(200);
    expect((await view(s.sessionId)).state).toBe('in_call');
    const audit = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(audit.entries.filter((e) => e.action === 'recording.unconverted')).toEqual([
      expect.objectContaining({ actor: `node:${nodeId}`, detail: { participant: 'customer', segment: 1, outcome: 'sealed-raw', attempts: 4, message: 'conversion failed 4 times: janus-pp-rec failed' } }),
    ]);

    expect((await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, unconverted('purged'))).status).toBe(200);
    expect((await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, { type: 'recording-failed', sessionId: s.sessionId, participant: 'customer', segment: 1, message: 'no bank key' })).status).toBe(200);
    for (const p of [customer, agent]) expect(await p.next('session-ended')).toMatchObject({ state: 'failed', reason: 'failed' });
    const after = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(after.entries.filter((e) => e.action === 'recording.unconverted').map((e) => (e.detail as { outcome: string }).outcome)).toEqual(['sealed-raw', 'purged']);
  });
});

describe('timers share one alarm', () => {
  it('a link nobody opened expires (link_expired) at linkExpiresAt', async () => {
    const s = await createSession();
    const v = await view(s.sessionId);
    expect(Date.parse(v.linkExpiresAt) - Date.parse(v.createdAt)).toBe(15 * 60_000);
    expect(await alarmOf(s.sessionId)).toBe(Date.parse(v.linkExpiresAt));
    // The agent alone does not stop the link from expiring.
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    await moveDeadlines(s.sessionId, (r) => (r.linkExpiresAt = new Date(Date.now() - 1).toISOString()));
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await agent.next('session-ended')).toMatchObject({ state: 'expired', reason: 'link_expired' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'expired', outcome: { state: 'expired', cause: 'link_expired' } });
    // Only the evidence's retention deadline is left (EVIDENCE_RETENTION_DAYS, 1826, after the end).
    expect(await alarmOf(s.sessionId)).toBe(Date.parse((await view(s.sessionId)).endedAt!) + 1826 * 86_400_000);
  });

  it('a late alarm that finds several deadlines passed applies the earliest only', async () => {
    const s = await createSession();
    await moveDeadlines(s.sessionId, (r) => {
      r.linkExpiresAt = new Date(Date.now() - 2000).toISOString();
      r.expiresAt = new Date(Date.now() - 1000).toISOString();
    });
    await runDurableObjectAlarm(sessionStub(s.sessionId));
    await runInDurableObject(sessionStub(s.sessionId), (instance) => instance.alarm());
    expect(await view(s.sessionId)).toMatchObject({ state: 'expired', endReason: 'link_expired' });
  });
});

describe('reconnect grace', () => {
  it('a participant back within the grace resumes: republishes, resubscribes, no end', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    node.commands.length = 0;
    const before = Date.now();
    customer.close();
    expect(await agent.next('peer-left')).toEqual({ type: 'peer-left', role: 'customer' });
    // The node keeps the customer's handles during the grace, and the alarm waits for it.
    const alarm = await alarmOf(s.sessionId);
    expect(alarm).toBeGreaterThanOrEqual(before + 60_000);
    expect(alarm).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(node.commands.filter((c) => c.type === 'leave')).toEqual([]);
    expect((await view(s.sessionId)).state).toBe('in_call');

    const back = await Participant.join(s.sessionId, s.customerUrl);
    expect((await back.next('welcome')).session.state).toBe('in_call');
    expect(await agent.next('peer-joined')).toEqual({ type: 'peer-joined', role: 'customer' });
    expect(await alarmOf(s.sessionId)).toBe(Date.parse(s.expiresAt));
    back.send({ type: 'publish', sdp: 'v=0 again', audio: true, video: true });
    await back.next('published');
    // The republished feed comes up: the agent is offered it anew, and the customer the agent's.
    const nodeId = (await view(s.sessionId)).nodeId!;
    await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, { type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', event: 'webrtcup' });
    expect(await agent.next('subscribe-offer')).toMatchObject({ sdp: 'v=0 offer-of-customer-for-agent' });
    expect(await back.next('subscribe-offer')).toMatchObject({ sdp: 'v=0 offer-of-agent-for-customer' });
    expect(node.commands.filter((c) => c.type === 'publish')).toHaveLength(1);
    // The alarm (were it to fire now) finds nothing due.
    await runDurableObjectAlarm(sessionStub(s.sessionId));
    expect((await view(s.sessionId)).state).toBe('in_call');
    const audit = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    const moves = audit.entries.filter((e) => e.actor === 'customer' && e.action.startsWith('participant.'));
    expect(moves.map((e) => e.action)).toEqual(['participant.joined', 'participant.left', 'participant.reconnected']);
    expect(moves[1]!.detail).toMatchObject({ role: 'customer', graceEndsAt: new Date(alarm!).toISOString() });
  });

  it('a participant not back within the grace abandons the session', async () => {
    const s = await createSession();
    const { customer, agent } = await startCall(s);
    agent.close();
    await customer.next('peer-left');
    await moveDeadlines(s.sessionId, (r) => (r.participants.agent.graceEndsAt = Date.now() - 1));
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await customer.next('session-ended')).toMatchObject({ state: 'abandoned', reason: 'abandoned' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'abandoned', outcome: { state: 'abandoned', participant: 'agent' } });
    expect(node.commands.at(-1)).toEqual({ type: 'destroy-room', sessionId: s.sessionId });
    // Coming back after the end only learns the outcome.
    const late = await Participant.join(s.sessionId, s.agentUrl);
    expect(await late.next('session-ended')).toMatchObject({ state: 'abandoned' });
  });
});
