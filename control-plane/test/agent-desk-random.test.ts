import { AuditTrail, SessionView } from '@vident/protocol';
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearDesk, Console, deskObject, signIn } from './desk-helpers.ts';
import { createSession, installFakeNode, Participant, registerNode, signedFetch } from './helpers.ts';

/* Runs in the "desk-random" project: AGENT_ASSIGNMENT=random. */

installFakeNode();

beforeEach(async () => {
  await registerNode('node-a');
  await clearDesk();
});

afterEach(async () => {
  await Participant.closeAll();
  await Console.closeAll();
});

describe('random assignment', () => {
  it('assigns each waiting customer to an available agent of its locale, never a supervisor or an away agent', async () => {
    const boss = await Console.connect((await signIn({ agentId: 'boss', name: 'Boss', role: 'supervisor', locales: ['ko', 'en'] })).token);
    const koOnly = await Console.connect((await signIn({ agentId: 'ko.only', name: 'KO', locales: ['ko'] })).token);
    const away = await Console.connect((await signIn({ agentId: 'en.away', name: 'Away', locales: ['en'] })).token);
    away.send({ type: 'availability', available: false });
    await away.next('desk-status', (m) => m.status === 'away');

    // An English customer: nobody eligible yet (the ko agent does not speak it, the other is away).
    const en = await createSession({ record: false, externalRef: 'rand-en', locale: 'en' });
    const customer = await Participant.join(en.sessionId, en.customerUrl);
    expect(await customer.next('queue')).toEqual({ type: 'queue', position: 1, estimateSeconds: null, agentsOnline: 1 });
    await new Promise((r) => setTimeout(r, 200));
    for (const c of [boss, koOnly, away]) expect(c.received.some((m) => m.type === 'assigned')).toBe(false);

    // An English agent arrives and gets the customer at once; the agent cannot pick in this mode.
    const enAgent = await Console.connect((await signIn({ agentId: 'en.agent', name: 'EN', locales: ['en'] })).token);
    const assigned = await enAgent.next('assigned');
    expect(assigned.sessionId).toBe(en.sessionId);
    const view = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${en.sessionId}`)).json());
    expect(view.agent).toEqual({ id: 'en.agent', name: 'EN' });
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${en.sessionId}/audit`)).json());
    expect(trail.entries.filter((e) => e.action === 'agent.assigned')).toEqual([
      expect.objectContaining({ actor: 'system', detail: { agentId: 'en.agent', name: 'EN', via: 'random' } }),
    ]);
    for (const c of [boss, koOnly, away]) expect(c.received.some((m) => m.type === 'assigned')).toBe(false);

    koOnly.send({ type: 'accept', sessionId: en.sessionId });
    expect(await koOnly.next('error')).toMatchObject({ code: 'forbidden' });
  });

  it('spreads customers over every eligible agent, one customer per agent at a time', async () => {
    const consoles = await Promise.all(
      ['r1', 'r2', 'r3'].map(async (id) => Console.connect((await signIn({ agentId: id, name: id, locales: ['ko'] })).token)),
    );
    const sessions = [];
    for (let i = 0; i < 3; i++) {
      const s = await createSession({ record: false, externalRef: `spread-${i}` });
      await Participant.join(s.sessionId, s.customerUrl);
      sessions.push(s.sessionId);
    }
    const got = await Promise.all(consoles.map((c) => c.next('assigned', () => true, 5000)));
    expect(got.map((a) => a.sessionId).sort()).toEqual([...sessions].sort());
    await runInDurableObject(deskObject(), (_, state) => {
      const rows = state.storage.sql.exec<{ status: string }>("SELECT status FROM agents WHERE agent_id IN ('r1', 'r2', 'r3')").toArray();
      expect(rows.map((r) => r.status)).toEqual(['busy', 'busy', 'busy']);
    });
    // A fourth customer waits: every agent is busy.
    const fourth = await createSession({ record: false, externalRef: 'spread-3' });
    const waiting = await Participant.join(fourth.sessionId, fourth.customerUrl);
    expect(await waiting.next('queue')).toMatchObject({ position: 4, agentsOnline: 3 });
  });
});
