import { AdminSessionList, ErrorBody, FleetNode, FleetStatus, NodeHeartbeatAccepted, SessionTimeline, SessionView, SystemStatus } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, BANK_KEY, clearIndexes, createSession, fakeNodeUrl, nodeFetch, ORIGIN, signedFetch } from './helpers.ts';

const admin = (method: string, path: string) => signedFetch(method, path, undefined, ADMIN_KEY);

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
}

async function register(nodeId: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await nodeFetch(nodeId, '/v1/nodes/register', { nodeId, url: fakeNodeUrl(nodeId), capacity: 10, version: '1.2.3', ...extra });
  expect(res.status).toBe(200);
}

async function heartbeat(nodeId: string, extra: Record<string, unknown> = {}): Promise<NodeHeartbeatAccepted> {
  const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/heartbeat`, { sessions: 0, publishers: 0, subscribers: 0, janusUp: true, ...extra });
  expect(res.status).toBe(200);
  return NodeHeartbeatAccepted.parse(await res.json());
}

async function fleetNode(nodeId: string): Promise<FleetNode> {
  const res = await admin('GET', '/v1/admin/nodes');
  expect(res.status).toBe(200);
  const node = FleetStatus.parse(await res.json()).nodes.find((n) => n.nodeId === nodeId);
  expect(node, nodeId).toBeDefined();
  return node!;
}

async function nodeOf(sessionId: string): Promise<string | null> {
  return SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}`)).json()).nodeId;
}

/** Ages a node's last heartbeat inside the registry: no sleeping through the TTL. */
async function silence(nodeId: string, ageMs: number): Promise<void> {
  await runInDurableObject(env.NODES.get(env.NODES.idFromName('global')), (_, state) => {
    state.storage.sql.exec('UPDATE nodes SET last_seen_at = ? WHERE node_id = ?', Date.now() - ageMs, nodeId);
  });
}

beforeEach(async () => {
  await clearIndexes();
});

describe('admin API keys', () => {
  it('takes admin keys only: a bank key is refused on admin routes and an admin key on bank routes', async () => {
    expect((await admin('GET', '/v1/admin/nodes')).status).toBe(200);
    await expectError(await signedFetch('GET', '/v1/admin/nodes'), 401, 'unknown_key');
    await expectError(await signedFetch('POST', '/v1/admin/nodes/node-a/drain'), 401, 'unknown_key');
    await expectError(await admin('GET', '/v1/sessions'), 401, 'unknown_key');
    await expectError(await admin('GET', '/v1/status'), 401, 'unknown_key');
    await expectError(await signedFetch('GET', '/v1/admin/nodes', undefined, { ...ADMIN_KEY, secret: BANK_KEY.secret }), 401, 'signature_invalid');
    await expectError(await SELF.fetch(`${ORIGIN}/v1/admin/nodes`), 401, 'unauthorized');
  });

  it('answers bad ids and unknown nodes with stable codes', async () => {
    await expectError(await admin('POST', '/v1/admin/nodes/NOT_A_NODE/drain'), 400, 'validation_failed');
    await expectError(await admin('POST', '/v1/admin/nodes/node-none/drain'), 404, 'not_found');
    await expectError(await admin('POST', '/v1/admin/nodes/node-none/undrain'), 404, 'not_found');
    await expectError(await admin('GET', '/v1/admin/sessions/not-a-uuid/timeline'), 400, 'validation_failed');
    await expectError(await admin('GET', `/v1/admin/sessions/${crypto.randomUUID()}/timeline`), 404, 'not_found');
    await expectError(await admin('GET', '/v1/admin/sessions?limit=0'), 400, 'validation_failed');
  });
});

describe('fleet state', () => {
  it('holds address, region, capacity, reported load, version, heartbeat age and status per node', async () => {
    await register('node-kr', { region: 'kr', mediaAddress: '203.0.113.7', capacity: 8 });
    await register('node-old');
    const beat = await heartbeat('node-kr', { sessions: 2, publishers: 3, subscribers: 4, bitrateKbps: 1234.5, cpuPercent: 9.25, uploadsPending: 1 });
    expect(beat).toEqual({ ok: true, status: 'live', release: [] });
    const kr = await fleetNode('node-kr');
    expect(kr).toMatchObject({
      url: fakeNodeUrl('node-kr'),
      mediaAddress: '203.0.113.7',
      region: 'kr',
      capacity: 8,
      assignedSessions: 0,
      load: { sessions: 2, publishers: 3, subscribers: 4, bitrateKbps: 1234.5, cpuPercent: 9.25, uploadsPending: 1 },
      janusUp: true,
      version: '1.2.3',
      draining: false,
      status: 'live',
    });
    expect(kr.heartbeatAgeSeconds).toBeLessThan(5);
    // An older node (no region, no address, no load fields) gets the defaults.
    expect(await fleetNode('node-old')).toMatchObject({ region: 'default', mediaAddress: null, load: { bitrateKbps: 0, cpuPercent: 0 } });
  });

  it('marks a node without heartbeats silent, places nothing on it, and shows it', async () => {
    await register('node-a');
    await silence('node-a', 16_000);
    expect(await fleetNode('node-a')).toMatchObject({ status: 'silent' });
    const status = SystemStatus.parse(await (await signedFetch('GET', '/v1/status')).json());
    expect(status.nodes).toEqual([expect.objectContaining({ nodeId: 'node-a', live: false, status: 'silent' })]);
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'x', customerName: 'y' }), 503, 'no_media_node');
    // A heartbeat brings it back.
    expect(await heartbeat('node-a')).toEqual({ ok: true, status: 'live', release: [] });
    expect(await nodeOf((await createSession()).sessionId)).toBe('node-a');
  });

  it('places in the requested region first, elsewhere when that region has nothing', async () => {
    await register('node-kr', { region: 'kr', capacity: 2 });
    await register('node-jp', { region: 'jp', capacity: 10 });
    const first = await createSession({ region: 'kr' });
    expect(await nodeOf(first.sessionId)).toBe('node-kr');
    // Without a region the least loaded wins.
    expect(await nodeOf((await createSession()).sessionId)).toBe('node-jp');
    expect(await nodeOf((await createSession({ region: 'kr' })).sessionId)).toBe('node-kr');
    // node-kr is full now: the customer still gets a call, in Japan.
    expect(await nodeOf((await createSession({ region: 'kr' })).sessionId)).toBe('node-jp');
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'x', customerName: 'y', region: 'Not A Region' }), 400, 'validation_failed');
  });
});

describe('drain', () => {
  it('takes no new sessions, lets calls finish, reports drained when empty, and undrains', async () => {
    await register('node-a');
    const running = await createSession();
    expect(await nodeOf(running.sessionId)).toBe('node-a');
    await register('node-b');

    const draining = FleetNode.parse(await (await admin('POST', '/v1/admin/nodes/node-a/drain')).json());
    expect(draining).toMatchObject({ nodeId: 'node-a', draining: true, status: 'draining', assignedSessions: 1 });
    expect(await heartbeat('node-a', { sessions: 1 })).toEqual({ ok: true, status: 'draining', release: [] });
    // New sessions go elsewhere; the running one is untouched.
    expect(await nodeOf((await createSession()).sessionId)).toBe('node-b');
    expect(SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${running.sessionId}`)).json()).state).toBe('created');
    // A restarted sidecar re-registering does not undo the drain.
    await register('node-a');
    expect(await fleetNode('node-a')).toMatchObject({ draining: true, status: 'draining' });

    // The call ends: the node is drained, and says so to the admin API and to the node.
    expect((await signedFetch('DELETE', `/v1/sessions/${running.sessionId}`)).status).toBe(200);
    expect(await fleetNode('node-a')).toMatchObject({ draining: true, status: 'drained', assignedSessions: 0 });
    expect(await heartbeat('node-a')).toEqual({ ok: true, status: 'drained', release: [] });
    // Draining again is idempotent.
    expect(FleetNode.parse(await (await admin('POST', '/v1/admin/nodes/node-a/drain')).json()).status).toBe('drained');

    // With node-b drained too there is nowhere to go; undrain node-a and it takes sessions again.
    await admin('POST', '/v1/admin/nodes/node-b/drain');
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'x', customerName: 'y' }), 503, 'no_media_node');
    const back = FleetNode.parse(await (await admin('POST', '/v1/admin/nodes/node-a/undrain')).json());
    expect(back).toMatchObject({ draining: false, status: 'live' });
    expect(await nodeOf((await createSession()).sessionId)).toBe('node-a');
  });
});

describe('admin sessions', () => {
  it('lists live sessions with node and state, without customer data, and shows a timeline', async () => {
    await register('node-a');
    await register('node-b');
    const one = await createSession({ customerName: 'Park Jiwoo', externalRef: 'loan-77' });
    const two = await createSession();
    const ended = await createSession();
    await signedFetch('DELETE', `/v1/sessions/${ended.sessionId}`);

    const res = await admin('GET', '/v1/admin/sessions');
    const text = await res.text();
    expect(text).not.toContain('Park Jiwoo');
    expect(text).not.toContain('loan-77');
    const list = AdminSessionList.parse(JSON.parse(text));
    expect(list.sessions.map((s) => s.sessionId).sort()).toEqual([one.sessionId, two.sessionId].sort());
    for (const s of list.sessions) expect(s).toMatchObject({ state: 'created', connected: [], nodeId: await nodeOf(s.sessionId) });
    const onA = AdminSessionList.parse(await (await admin('GET', '/v1/admin/sessions?nodeId=node-a')).json());
    expect(onA.sessions.every((s) => s.nodeId === 'node-a')).toBe(true);
    expect(onA.sessions).toHaveLength(1);

    const timeline = SessionTimeline.parse(await (await admin('GET', `/v1/admin/sessions/${ended.sessionId}/timeline`)).json());
    expect(timeline.sessionId).toBe(ended.sessionId);
    const actions = timeline.entries.map((e) => e.action);
    expect(actions[0]).toBe('session.created');
    expect(actions).toContain('api.session.delete');
    // Reading the timeline is itself on the session's audit trail, under the admin key.
    expect(timeline.entries.at(-1)).toMatchObject({ action: 'api.audit.get', actor: 'admin' });
    expect(timeline.entries[0]!.offsetMs).toBe(0);
    expect(timeline.entries.map((e) => e.offsetMs)).toEqual([...timeline.entries.map((e) => e.offsetMs)].sort((a, b) => a - b));
  });
});
