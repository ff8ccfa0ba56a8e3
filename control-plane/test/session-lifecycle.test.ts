import { ErrorBody, RecordingList, SessionView, SystemStatus } from '@vident/protocol';
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../src/session/session-record.ts';
import { TEST_BANK_PUBLIC_KEY } from './evidence-keys.ts';
import { uploadRecording } from './evidence-helpers.ts';
import { createSession, giveConsent, installFakeNode, moveDeadlines, nodeFetch, ORIGIN, Participant, registerNode, signedFetch, type FakeNode, sessionStub } from './helpers.ts';

// Never restored: sockets closing while the run shuts down still send `leave` commands to it.
const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-a');
});

afterEach(() => Participant.closeAll());


async function view(sessionId: string): Promise<SessionView> {
  return SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json());
}

describe('timeout alarm', () => {
  it('ends the session expired (max_duration) at expiresAt and tells both participants', async () => {
    const s = await createSession();
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    const agent = await Participant.join(s.sessionId, s.agentUrl);
    await customer.next('welcome');
    await agent.next('welcome');
    await giveConsent(customer, s.sessionId);
    customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    await customer.next('published');

    // The customer is in: the link expiry no longer counts, the 30-minute maximum does.
    const alarmAt = await runInDurableObject(sessionStub(s.sessionId), (_, state) => state.storage.getAlarm());
    expect(alarmAt).toBe(Date.parse(s.expiresAt));
    // An alarm that fires early (or for a deadline already handled) changes nothing.
    await runDurableObjectAlarm(sessionStub(s.sessionId));
    expect(await view(s.sessionId)).toMatchObject({ state: 'waiting' });
    expect(await runInDurableObject(sessionStub(s.sessionId), (_, state) => state.storage.getAlarm())).toBe(Date.parse(s.expiresAt));

    await moveDeadlines(s.sessionId, (r) => (r.expiresAt = new Date(Date.now() - 1000).toISOString()));
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    for (const p of [customer, agent]) {
      expect(await p.next('session-ended')).toMatchObject({ type: 'session-ended', state: 'expired', reason: 'max_duration', durationMs: 0 });
      expect((await p.waitClosed()).code).toBe(1000);
    }
    expect(await view(s.sessionId)).toMatchObject({ state: 'expired', endReason: 'max_duration', outcome: { state: 'expired', cause: 'max_duration' } });
    expect(node.commands.at(-1)).toEqual({ type: 'destroy-room', sessionId: s.sessionId });
    // Idempotent: only the evidence's retention deadline is left, and running the alarm early
    // (or again) changes nothing.
    const ended = await view(s.sessionId);
    const retention = Date.parse(ended.endedAt!) + 1826 * 86_400_000;
    expect(await runInDurableObject(sessionStub(s.sessionId), (_, state) => state.storage.getAlarm())).toBe(retention);
    expect(await runDurableObjectAlarm(sessionStub(s.sessionId))).toBe(true);
    expect(await runInDurableObject(sessionStub(s.sessionId), (_, state) => state.storage.getAlarm())).toBe(retention);
    const before = await view(s.sessionId);
    expect(before).toEqual(ended);
    await runInDurableObject(sessionStub(s.sessionId), (instance) => instance.alarm());
    expect(await view(s.sessionId)).toEqual(before);
    const status = SystemStatus.parse(await (await signedFetch('GET', '/v1/status')).json());
    expect(status.nodes.find((n) => n.nodeId === 'node-a')?.sessions).toBe(0);
  });
});

describe('durability', () => {
  it('keeps the session state across a Durable Object restart', async () => {
    const s = await createSession({ metadata: { k: 'v' } });
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');
    customer.close();
    await customer.waitClosed();

    await abortAllDurableObjects();

    const after = await view(s.sessionId);
    expect(after).toMatchObject({ state: 'waiting', metadata: { k: 'v' }, nodeId: 'node-a' });
    expect(after.participants[0]!.joinedAt).not.toBeNull();
    const stored = await runInDurableObject(sessionStub(s.sessionId), (_, state) =>
      state.storage.sql.exec<{ data: string }>('SELECT data FROM session').toArray(),
    );
    expect(stored).toHaveLength(1);
    const record = JSON.parse(stored[0]!.data) as SessionRecord;
    expect(record).toMatchObject({ sessionId: s.sessionId, state: 'waiting', expiresAt: s.expiresAt });
  });
});

describe('node API', () => {
  it('register and heartbeat are signed with the node\'s own key and its id', async () => {
    const reg = await nodeFetch('node-b', '/v1/nodes/register', { nodeId: 'node-b', url: 'http://127.0.0.1:9/', capacity: 4, version: '1.0' });
    // The node seals every artifact with the bank key it is handed here.
    expect(await reg.json()).toEqual({ heartbeatIntervalMs: 5000, evidencePublicKey: TEST_BANK_PUBLIC_KEY });
    const beat = await nodeFetch('node-b', '/v1/nodes/node-b/heartbeat', { sessions: 0, publishers: 0, subscribers: 0, janusUp: false });
    expect(beat.status).toBe(200);
    const status = SystemStatus.parse(await (await signedFetch('GET', '/v1/status')).json());
    expect(status.nodes.find((n) => n.nodeId === 'node-b')).toMatchObject({ live: true, janusUp: false, capacity: 4, version: '1.0' });

    // Speaking for another node, using a bank key, or an unknown node.
    const spoof = await nodeFetch('node-b', '/v1/nodes/node-a/heartbeat', { sessions: 0, publishers: 0, subscribers: 0, janusUp: true });
    expect(spoof.status).toBe(403);
    const spoofReg = await nodeFetch('node-b', '/v1/nodes/register', { nodeId: 'node-a', url: 'http://127.0.0.1:9/', capacity: 4, version: '1' });
    expect(ErrorBody.parse(await spoofReg.json()).error.code).toBe('forbidden');
    const bank = await signedFetch('POST', '/v1/nodes/node-b/heartbeat', { sessions: 0, publishers: 0, subscribers: 0, janusUp: true });
    expect(bank.status).toBe(401);
    const unknown = await nodeFetch('node-zzz', '/v1/nodes/node-zzz/heartbeat', { sessions: 0, publishers: 0, subscribers: 0, janusUp: true });
    expect(ErrorBody.parse(await unknown.json()).error.code).toBe('not_found');
  });

  it('routes events to the session, refuses events from another node, lists recordings once uploaded', async () => {
    await registerNode('node-other');
    const s = await createSession();
    const owner = (await view(s.sessionId)).nodeId!;
    const stranger = owner === 'node-a' ? 'node-other' : 'node-a';
    const customer = await Participant.join(s.sessionId, s.customerUrl);
    await customer.next('welcome');

    const media = { type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'subscriber', event: 'slowlink', detail: 'uplink nacks=12' };
    const refused = await nodeFetch(stranger, `/v1/nodes/${stranger}/events`, media);
    expect(refused.status).toBe(403);
    expect((await nodeFetch(owner, `/v1/nodes/${owner}/events`, media)).status).toBe(200);
    expect(await customer.next('media-event')).toEqual({ type: 'media-event', leg: 'subscriber', event: 'slowlink', detail: 'uplink nacks=12' });
    const missing = await nodeFetch(owner, `/v1/nodes/${owner}/events`, { ...media, sessionId: crypto.randomUUID() });
    expect(missing.status).toBe(404);
    const bad = await nodeFetch(owner, `/v1/nodes/${owner}/events`, { ...media, event: 'explode' });
    expect(ErrorBody.parse(await bad.json()).error.code).toBe('validation_failed');

    customer.send({ type: 'hang-up' });
    expect((await customer.next('session-ended')).reason).toBe('cancelled_by_customer');

    // recording-ready is superseded by the upload: accepted, but a recording exists only once stored.
    const ready = { type: 'recording-ready', sessionId: s.sessionId, participant: 'customer', file: '/rec/customer.webm', durationMs: 61_000, bytes: 123_456 };
    expect((await nodeFetch(owner, `/v1/nodes/${owner}/events`, ready)).status).toBe(200);
    expect((await view(s.sessionId)).recordings).toEqual([]);
    const stored = await uploadRecording(owner, s.sessionId, 'customer', 1);
    const v = await view(s.sessionId);
    expect(v.recordings).toEqual([stored]);
    expect(stored).toMatchObject({ sessionId: s.sessionId, kind: 'recording', participant: 'customer', segment: 1, nodeId: owner, state: 'stored', offsetMs: 0 });
    const list = RecordingList.parse(await (await signedFetch('GET', `/v1/recordings?sessionId=${s.sessionId}`)).json());
    expect(list.recordings).toEqual(v.recordings);
  });

});

describe('demo routes', () => {
  it('create and list sessions with fresh links (DEMO_MODE=true in tests)', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/demo/sessions`, { method: 'POST' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { sessionId: string };
    expect((await view(created.sessionId)).customerName).toBe('Demo customer');
    const list = (await (await SELF.fetch(`${ORIGIN}/v1/demo/sessions`)).json()) as { sessions: Array<{ sessionId: string; customerUrl: string; agentUrl: string }> };
    const row = list.sessions.find((x) => x.sessionId === created.sessionId);
    expect(row?.customerUrl).toMatch(/\/join\?lang=(ko|en)#token=/);
    const customer = await Participant.join(created.sessionId, row!.customerUrl);
    expect((await customer.next('welcome')).role).toBe('customer');
  });

  it('refuses a request that arrived over https, also without PUBLIC_BASE_URL (security review finding 12)', async () => {
    const before = (await (await SELF.fetch(`${ORIGIN}/v1/demo/sessions`)).json()) as { sessions: unknown[] };
    expect(before.sessions.length).toBeGreaterThan(0);
    const overHttps: Array<[string, Record<string, string>]> = [
      ['https://vident.test', {}],
      [ORIGIN, { 'x-forwarded-proto': 'https' }],
      [ORIGIN, { 'cf-visitor': '{"scheme":"https"}' }],
    ];
    for (const [origin, headers] of overHttps) {
      for (const method of ['GET', 'POST']) {
        const res = await SELF.fetch(`${origin}/v1/demo/sessions`, { method, headers });
        expect(res.status, `${method} ${origin} ${JSON.stringify(headers)}`).toBe(403);
        const body = (await res.json()) as { error: { code: string }; sessions?: unknown };
        expect(body.error.code).toBe('forbidden');
        expect(body.sessions).toBeUndefined();
      }
    }
  });
});
