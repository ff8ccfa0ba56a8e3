import { AuditTrail, SessionView } from '@vident/protocol';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHECKLIST } from '../src/session/verification-checklist.ts';
import { createSession, fullChecklist, installFakeNode, Participant, registerNode, signedFetch, startCall, type FakeNode } from './helpers.ts';

/*
 * The agent's verification checklist on the session's Durable Object: sent to the agent only, an
 * approval refused until every configured item is ticked, the ticks kept in the audit trail.
 */

const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-checklist');
});

afterEach(() => Participant.closeAll());

async function view(sessionId: string): Promise<SessionView> {
  return SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
}

async function decidedEntries(sessionId: string) {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}/audit`);
  expect(res.status).toBe(200);
  return AuditTrail.parse(await res.json()).entries.filter((e) => e.action === 'session.decided');
}

describe('the verification checklist', () => {
  it('ships in wrangler.toml as the default list', () => {
    expect(JSON.parse(env.VERIFICATION_CHECKLIST as string)).toEqual(DEFAULT_CHECKLIST);
  });

  it('is in the agent\'s welcome and never in the customer\'s', async () => {
    const s = await createSession({ record: false });
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    expect((await agent.next('welcome')).checklist).toEqual(DEFAULT_CHECKLIST);
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const welcome = await customer.next('welcome');
    expect(welcome).not.toHaveProperty('checklist');
    expect(JSON.stringify(welcome)).not.toContain('hologram');
  });

  it('refuses an approval with items missing or unknown: nothing changes, the socket stays open', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    const [first, ...rest] = fullChecklist();

    agent.send({ type: 'decide', decision: 'approved', note: 'looks fine' });
    const none = await agent.next('error');
    expect(none.code).toBe('validation_failed');
    expect(none.message).toContain(`missing: ${fullChecklist().join(', ')}`);

    agent.send({ type: 'decide', decision: 'approved', checklist: rest });
    expect(await agent.next('error')).toEqual({ type: 'error', code: 'validation_failed', message: `an approval needs every checklist item ticked; missing: ${first}` });

    agent.send({ type: 'decide', decision: 'approved', checklist: [...fullChecklist(), 'gut_feeling'] });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed', message: 'unknown checklist items: gut_feeling' });
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], checklist: ['gut_feeling'] });
    expect(await agent.next('error')).toMatchObject({ code: 'validation_failed', message: 'unknown checklist items: gut_feeling' });

    expect(agent.closed).toBeNull();
    expect(customer.count('session-ended')).toBe(0);
    expect((await view(s.sessionId)).state).toBe('in_call');
    expect(await decidedEntries(s.sessionId)).toEqual([]);
    expect(node.commands.map((c) => c.type)).not.toContain('destroy-room');

    // The same agent, same socket, with the list complete.
    agent.send({ type: 'decide', decision: 'approved', note: 'all checked', checklist: [...fullChecklist()].reverse() });
    expect(await customer.next('session-ended')).toMatchObject({ state: 'decided', reason: 'approved' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'decided', decision: 'approved', note: 'all checked' });
    const entries = await decidedEntries(s.sessionId);
    expect(entries.map((e) => [e.actor, e.detail])).toEqual([
      ['agent', { decision: 'approved', reasonCodes: [], note: 'all checked', checklist: Object.fromEntries(fullChecklist().map((id) => [id, true])) }],
    ]);
  });

  it('lets a rejection go with any subset ticked, audited item by item', async () => {
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['SECURITY_FEATURES_FAILED'], checklist: ['face_matches_photo'] });
    expect(await customer.next('session-ended')).toMatchObject({ state: 'decided', reason: 'rejected' });
    const [entry] = await decidedEntries(s.sessionId);
    expect(entry?.detail.checklist).toEqual({ face_matches_photo: true, hologram_visible: false, serial_number_matches: false, document_not_expired: false });
  });
});
