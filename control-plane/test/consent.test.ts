import { AuditTrail, RECORDING_CONSENT_VERSION, SessionView } from '@vident/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, eventually, installFakeNode, Participant, registerNode, signedFetch, type FakeNode } from './helpers.ts';

/*
 * Recording consent over the participant WebSocket: in a recorded session the customer's media may
 * not start before they accept the consent text; declining cancels the session. Audited both ways.
 */

const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-consent');
});

afterEach(() => Participant.closeAll());

async function view(sessionId: string): Promise<SessionView> {
  return SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
}

async function trail(sessionId: string): Promise<AuditTrail> {
  return AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
}

const publish = { type: 'publish', sdp: 'v=0 offer', audio: true, video: true };

describe('recording consent', () => {
  it('is required before the customer publishes, given once, audited, and kept across a reconnect', async () => {
    const s = await createSession({ record: true });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    expect((await customer.next('welcome')).session.consent).toBe('pending');
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    expect((await agent.next('welcome')).session.consent).toBe('pending');

    customer.send(publish);
    expect(await customer.next('error')).toMatchObject({ code: 'consent_required' });
    // Nothing reached the node for the refused publish (the room may already exist: it is made
    // when a page connects, and holds no media until a publish), and the socket stays open.
    expect(node.commands.filter((c) => c.type === 'publish')).toEqual([]);
    expect(customer.closed).toBeNull();
    // The agent publishes freely (its own consent is its employment, not this text).
    agent.send(publish);
    expect((await agent.next('published')).sdp).toBe('v=0 answer-for-agent');

    agent.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
    expect(await agent.next('error')).toMatchObject({ code: 'forbidden' });
    customer.send({ type: 'consent', version: 'recording-consent-1999-01', accepted: true });
    expect(await customer.next('error')).toMatchObject({ code: 'validation_failed' });
    expect((await view(s.sessionId)).consent).toBeNull();

    customer.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
    customer.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true }); // a repeat changes nothing
    // Stored before the publish (the test runtime may hand back-to-back frames over out of order: see giveConsent).
    await eventually(async () => expect((await view(s.sessionId)).consent).not.toBeNull());
    customer.send(publish);
    expect((await customer.next('published')).sdp).toBe('v=0 answer-for-customer');
    const v = await view(s.sessionId);
    expect(v.consent).toEqual({ version: RECORDING_CONSENT_VERSION, at: expect.any(String) });
    expect(Date.parse(v.consent!.at)).toBeGreaterThan(Date.parse(v.createdAt) - 1);
    const given = (await trail(s.sessionId)).entries.filter((e) => e.action === 'consent.given');
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({ actor: 'customer', detail: { version: RECORDING_CONSENT_VERSION } });
    // Each publish carries its own recording segment.
    expect(node.commands.filter((c) => c.type === 'publish').map((c) => c.type === 'publish' && [c.participant, c.segment])).toEqual([
      ['agent', 1],
      ['customer', 1],
    ]);

    // Back after a dropped connection: consent stands, no second question.
    customer.close();
    await customer.waitClosed();
    const back = await Participant.join(s.sessionId, s.customerUrl);
    expect((await back.next('welcome')).session.consent).toBe('given');
    back.send(publish);
    expect((await back.next('published')).sdp).toBe('v=0 answer-for-customer');
    expect(node.commands.filter((c) => c.type === 'publish').map((c) => c.type === 'publish' && [c.participant, c.segment]).at(-1)).toEqual(['customer', 2]);
  });

  it('declining cancels the session on behalf of the customer, audited before the end', async () => {
    const s = await createSession({ record: true });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await agent.next('welcome');
    customer.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: false });
    for (const p of [customer, agent]) expect(await p.next('session-ended')).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_customer' });
    expect(await view(s.sessionId)).toMatchObject({ state: 'cancelled', outcome: { state: 'cancelled', by: 'customer' }, consent: null });
    const actions = (await trail(s.sessionId)).entries.map((e) => `${e.actor} ${e.action}`);
    const declined = actions.indexOf('customer consent.declined');
    expect(declined).toBeGreaterThan(0);
    expect(actions[declined + 1]).toBe('customer state.changed');
    expect(node.commands.filter((c) => c.type === 'publish')).toEqual([]);
  });

  it('is not asked in a session that is not recorded', async () => {
    const s = await createSession({ record: false });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    expect((await customer.next('welcome')).session.consent).toBe('not_required');
    customer.send(publish);
    expect((await customer.next('published')).sdp).toBe('v=0 answer-for-customer');
    customer.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
    expect(await customer.next('error')).toMatchObject({ code: 'conflict' });
    expect((await view(s.sessionId)).consent).toBeNull();
  });
});
