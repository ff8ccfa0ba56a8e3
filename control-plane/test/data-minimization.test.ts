import { AuditTrail, SessionTimeline, SessionView, verifyAuditChain } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { objectsOf, pattern, seal } from './evidence-helpers.ts';
import { ADMIN_KEY, createSession, installFakeNode, moveDeadlines, ORIGIN, Participant, registerNode, sessionStub, signedFetch, startCall, tokenOf } from './helpers.ts';

/*
 * Data minimization (security review finding 8): the platform team's timeline shows what happened
 * when and by which role, never chat, notes, names, references or addresses; and when a session's
 * retention ends its records go with its evidence: the directory forgets it, the record keeps no
 * personal field, and the audit trail keeps only its head, from which what follows still verifies.
 */

installFakeNode();

beforeEach(async () => {
  await registerNode('node-minimal');
});

afterEach(() => Participant.closeAll());

const SECRETS = {
  customerName: 'Park Jiwoo',
  externalRef: 'loan-secret-77',
  metadata: 'branch-gangnam-secret',
  chat: 'my card number is 9411-2207',
  note: 'customer looked nervous: private note',
  address: '198.51.100.23',
};

/** A session that ended rejected after a call with chat, a capture and a note (its reference contains SECRETS.externalRef). */
async function endedSession(externalRef: string): Promise<string> {
  const s = await createSession({ customerName: SECRETS.customerName, externalRef, metadata: { branch: SECRETS.metadata } });
  const { customer, agent } = await startCall(s);
  customer.send({ type: 'chat', text: SECRETS.chat });
  await agent.next('chat');
  const capture = await SELF.fetch(`${ORIGIN}/v1/sessions/${s.sessionId}/captures?capture=face`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${tokenOf(s.agentUrl)}`, 'cf-connecting-ip': SECRETS.address },
    body: await seal(pattern(500, 9), 'image/jpeg'),
  });
  expect(capture.status).toBe(201);
  agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['POOR_QUALITY'], note: SECRETS.note });
  await customer.next('session-ended');
  return s.sessionId;
}

function expectNoSecret(text: string): void {
  for (const [what, secret] of Object.entries(SECRETS)) expect(text, what).not.toContain(secret);
}

describe('the admin timeline', () => {
  it('shows event kinds, times and actor roles only: no chat text, note, name, reference or address', async () => {
    const sessionId = await endedSession(`${SECRETS.externalRef}-timeline`);
    // The bank's own trail has them all (the check below would pass on an empty timeline otherwise).
    const bankTrail = await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).text();
    expect(bankTrail).toContain(SECRETS.chat);
    expect(bankTrail).toContain(SECRETS.note);

    const res = await signedFetch('GET', `/v1/admin/sessions/${sessionId}/timeline`, undefined, ADMIN_KEY);
    expect(res.status).toBe(200);
    const text = await res.text();
    expectNoSecret(text);
    const timeline = SessionTimeline.parse(JSON.parse(text));
    const actions = timeline.entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['session.created', 'chat.message', 'capture.stored', 'session.decided']));
    for (const e of timeline.entries) {
      expect(Object.keys(e).sort()).toEqual(['action', 'actor', 'at', 'offsetMs', 'seq']);
      expect(['bank', 'admin', 'node', 'customer', 'agent', 'system']).toContain(e.actor);
    }
  });
});

describe('the end of retention', () => {
  it('purges the directory entry and the personal data, audits it, and keeps the audit head the rest verifies from', async () => {
    const externalRef = `${SECRETS.externalRef}-retention`;
    const sessionId = await endedSession(externalRef);
    const listed = async () => (await (await signedFetch('GET', `/v1/sessions?externalRef=${externalRef}`)).json()) as { sessions: Array<{ sessionId: string }> };
    expect((await listed()).sessions.map((v) => v.sessionId)).toContain(sessionId);
    const before = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
    expect(await verifyAuditChain(before.entries, before.head)).toEqual({ ok: true, head: before.head });

    await moveDeadlines(sessionId, (r) => (r.evidence.retainUntil = new Date(Date.now() - 1000).toISOString()));
    expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);

    // The directory no longer lists it, by reference or at all.
    expect((await listed()).sessions).toEqual([]);
    const directory = await runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
      state.storage.sql.exec('SELECT session_id FROM sessions WHERE session_id = ?', sessionId).toArray(),
    );
    expect(directory).toEqual([]);

    // The session's own storage holds no personal data: record, artifacts, trail.
    const stored = await runInDurableObject(sessionStub(sessionId), (_, state) => ({
      record: String(state.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').one().data),
      artifacts: state.storage.sql.exec('SELECT * FROM artifacts').toArray(),
      audit: JSON.stringify(state.storage.sql.exec('SELECT * FROM audit').toArray()),
    }));
    expectNoSecret(stored.record);
    expectNoSecret(stored.audit);
    expect(stored.artifacts).toEqual([]);
    expect(JSON.parse(stored.record).evidence.purgedAt).toEqual(expect.any(String));
    expect(await objectsOf(sessionId)).toEqual([]);

    // The bank's view: ids, states and times only.
    const view = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
    expect(view).toMatchObject({ sessionId, state: 'decided', decision: 'rejected', customerName: '', externalRef: '', metadata: {}, note: '' });
    expectNoSecret(JSON.stringify(view));

    // The trail: what the bank read last is now one head, and what followed (the evidence deletion,
    // session.purged) chains on from it: the bank's earlier copy and the trail left verify as one.
    const after = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
    expect(after.purged).toEqual({ length: before.entries.length, head: before.head });
    expect(after.entries.slice(0, 2)).toMatchObject([
      { seq: before.entries.length + 1, actor: 'system', action: 'evidence.deleted', detail: { reason: 'retention', artifacts: 1 }, prevHash: before.head },
      { seq: before.entries.length + 2, actor: 'system', action: 'session.purged', detail: { entries: before.entries.length, head: before.head, artifacts: 1 } },
    ]);
    expect(await verifyAuditChain(after.entries, after.head, after.purged)).toEqual({ ok: true, head: after.head });
    expect(await verifyAuditChain([...before.entries, ...after.entries], after.head)).toEqual({ ok: true, head: after.head });
    expect((await verifyAuditChain(after.entries, after.head, { length: before.entries.length, head: before.entries.at(-1)!.prevHash })).ok).toBe(false);
    expectNoSecret(JSON.stringify(after));

    // A second alarm changes nothing and nothing is left to wake up for.
    await runInDurableObject(sessionStub(sessionId), (instance) => instance.alarm());
    expect(await runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm())).toBeNull();
    const again = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
    expect(again.purged).toEqual(after.purged);
    expect(again.entries.filter((e) => e.action === 'session.purged')).toHaveLength(1);
  });
});
