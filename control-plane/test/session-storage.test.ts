import { ServerMessage, verifyAuditChain } from '@vident/protocol';
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { participantPost } from './page-requests.ts';
import type { SessionRecord } from '../src/session/session-record.ts';
import { auditTrail, createSession, eventually, installFakeNode, Participant, registerNode, sessionStub, signedFetch, tokenOf, type FakeNode } from './helpers.ts';

/*
 * A new session's object creates its SQLite tables as it first writes to each (session-core.ts,
 * stored-tables.ts): a creation makes the record's and the audit trail's, and the rest come later,
 * also in an object evicted since. Its alarm is remembered rather than read before each set.
 */

// Never restored: sockets closing while the run shuts down still send `leave` commands to it.
const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-storage');
});

afterEach(() => Participant.closeAll());

const tablesOf = (sessionId: string) =>
  runInDurableObject(sessionStub(sessionId), (_, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name")
      .toArray()
      .map((r) => r.name),
  );

const alarmOf = (sessionId: string) => runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());

/** The record as the object's storage holds it (not its memory). */
const storedRecord = (sessionId: string) =>
  runInDurableObject(sessionStub(sessionId), (_, state) => JSON.parse(state.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').one().data) as SessionRecord);

describe('session storage', () => {
  it('creates only the record and audit tables at creation; the others work when first used, after an eviction too', async () => {
    const s = await createSession();
    expect(await tablesOf(s.sessionId)).toEqual(['audit', 'audit_purged', 'session']);
    expect(await alarmOf(s.sessionId)).not.toBeNull();

    // Evicted: a new instance loads from storage alone.
    await abortAllDurableObjects();
    expect((await participantPost(s.sessionId, 'precheck', tokenOf(s.customerUrl), { event: 'link_opened' })).status).toBe(204);
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    expect(await tablesOf(s.sessionId)).toEqual(expect.arrayContaining(['funnel_mark', 'join_budget']));
    const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { state: string };
    expect(view.state).toBe('waiting');

    // The trail goes on from the entries stored before the eviction, and verifies.
    const trail = await auditTrail(s.sessionId);
    expect(trail.entries.map((e) => e.action).slice(0, 2)).toEqual(['session.created', 'precheck.link_opened']);
    expect(trail.entries.map((e) => e.seq)).toEqual(trail.entries.map((_, i) => i + 1));
    expect(await verifyAuditChain(trail.entries)).toMatchObject({ ok: true });

    // Ending it works on tables made after the eviction, and the next alarm is still armed.
    customer.ws.close();
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    expect(await alarmOf(s.sessionId)).not.toBeNull();
  });

  it('stores the publish the page was answered: `published` goes out before the save (output gate), the save still follows', async () => {
    const s = await createSession({ record: false });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: false });
    await customer.next('published');
    await eventually(async () => {
      const stored = await storedRecord(s.sessionId);
      expect(stored.segments.customer).toBe(1);
      expect(stored.participants.customer).toMatchObject({ published: true, audio: true, video: false, transport: 'direct' });
    });
  });

  it("reads camera flags a session stored before they were codes: the agent's welcome carries them in the current form and parses", async () => {
    const s = await createSession();
    const at = '2026-12-03T09:00:00.000Z';
    // What the record held before 2384ae4: free-text details the customer's page composed.
    await runInDurableObject(sessionStub(s.sessionId), (_, state) => {
      const row = state.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').one();
      const earlier = [
        { kind: 'page_hidden', detail: 'the page was hidden for 4 s', at },
        { kind: 'camera_changed', detail: 'the camera track ended', at },
        { kind: 'unusual_settings', detail: 'ask the agent to approve', at },
      ];
      state.storage.sql.exec('UPDATE session SET data = ? WHERE id = 1', JSON.stringify({ ...JSON.parse(row.data), cameraSignals: earlier }));
    });
    // Evicted: the next instance loads the record as stored.
    await abortAllDurableObjects();
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    const welcome = ServerMessage.safeParse(await agent.next('welcome'));
    expect(welcome.success, welcome.error?.message).toBe(true);
    expect(welcome.data?.type === 'welcome' && welcome.data.quality?.riskFlags).toEqual([
      { kind: 'page_hidden', seconds: 4, at },
      { kind: 'camera_changed', change: 'ended', at },
      { kind: 'unusual_settings', earlierFormat: true, at },
    ]);
  });

  it('arms the alarm again after it ran (an alarm that fired is no longer set)', async () => {
    const s = await createSession();
    const before = await alarmOf(s.sessionId);
    expect(before).not.toBeNull();
    // The link has not expired: the alarm finds nothing due and must set the same deadline again.
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await alarmOf(s.sessionId)).toBe(before);
  });
});
