/*
 * A session's media node lost mid-call: the session moves to another node and both participants
 * renegotiate there on their sockets. Three ways to notice: the node reports Janus down, its
 * heartbeats stop (the registry's alarm), or a command finds it unable to carry media (503).
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetStatus } from '@vident/protocol';
import {
  clearIndexes,
  createSession,
  eventually,
  installFakeNode,
  nodeFetch,
  Participant,
  sessionStub,
  signedFetch,
  startCall,
  type FakeNode,
} from './helpers.ts';

const node: FakeNode = installFakeNode();
const HOST_A = '127.0.0.1:9';
const HOST_B = '127.0.0.2:9';
const registry = () => env.NODES.get(env.NODES.idFromName('global'));

async function register(nodeId: string, host: string): Promise<void> {
  const res = await nodeFetch(nodeId, '/v1/nodes/register', { nodeId, url: `http://${host}/`, capacity: 10, version: 'test' });
  expect(res.status).toBe(200);
}

async function heartbeat(nodeId: string, janusUp: boolean): Promise<void> {
  const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/heartbeat`, { sessions: 1, publishers: 2, subscribers: 2, janusUp });
  expect(res.status).toBe(200);
}

const nodeOf = (sessionId: string) => runInDurableObject(sessionStub(sessionId), (i) => i['core'].conduct!.record.nodeId);

async function auditActions(sessionId: string): Promise<{ action: string; detail: unknown }[]> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}/audit`);
  return ((await res.json()) as { entries: { action: string; detail: unknown }[] }).entries;
}

/** A call in progress on node-a, with node-b registered afterwards (so placement took node-a). */
async function callOnNodeA() {
  await register('node-a', HOST_A);
  const s = await createSession({ record: false });
  await register('node-b', HOST_B);
  const call = await startCall(s);
  expect(await nodeOf(s.sessionId)).toBe('node-a');
  return { s, ...call };
}

/** Both pages publish again after `media-moved`; answers the hosts their publishes went to. */
async function republish(customer: Participant, agent: Participant): Promise<string[]> {
  node.commands.length = 0;
  node.hosts.length = 0;
  for (const p of [customer, agent]) {
    p.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    await p.next('published');
  }
  return node.commands.flatMap((c, i) => (c.type === 'publish' || c.type === 'create-room' ? [`${c.type}@${node.hosts[i]}`] : []));
}

beforeEach(async () => {
  await clearIndexes();
  node.commands.length = 0;
  node.hosts.length = 0;
  node.downHosts.clear();
});
afterEach(() => Participant.closeAll());

describe('failover of a live call', () => {
  it('moves the call when its node reports Janus down, and both pages republish on the new node', async () => {
    const { s, customer, agent } = await callOnNodeA();
    await heartbeat('node-a', false);
    for (const p of [customer, agent]) await p.next('media-moved');
    expect(await nodeOf(s.sessionId)).toBe('node-b');
    expect(await republish(customer, agent)).toEqual([`create-room@${HOST_B}`, `publish@${HOST_B}`, `publish@${HOST_B}`]);
    const failover = (await auditActions(s.sessionId)).filter((e) => e.action === 'media.failover');
    expect(failover.map((e) => e.detail)).toEqual([{ from: 'node-a', to: 'node-b', cause: 'janus_down' }]);
    // The session stays in its call; the registry counts it on node-b now.
    expect(((await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { state: string }).state).toBe('in_call');
    const assigned = await runInDurableObject(registry(), (_, state) =>
      state.storage.sql.exec<{ node_id: string }>('SELECT node_id FROM assignments WHERE session_id = ?', s.sessionId).one().node_id,
    );
    expect(assigned).toBe('node-b');
  });

  it('moves the call when its node falls silent (the registry alarm), once', async () => {
    const { s, customer, agent } = await callOnNodeA();
    await runInDurableObject(registry(), (_, state) => {
      state.storage.sql.exec('UPDATE nodes SET last_seen_at = ? WHERE node_id = ?', Date.now() - 60_000, 'node-a');
    });
    expect(await runDurableObjectAlarm(registry())).toBe(true);
    for (const p of [customer, agent]) await p.next('media-moved');
    expect(await nodeOf(s.sessionId)).toBe('node-b');
    // A second alarm for the same silence changes nothing.
    await runDurableObjectAlarm(registry());
    await eventually(async () => {
      const moves = (await auditActions(s.sessionId)).filter((e) => e.action === 'media.failover');
      expect(moves.map((e) => e.detail)).toEqual([{ from: 'node-a', to: 'node-b', cause: 'heartbeat_missed' }]);
    });
  });

  it('moves the call when a command finds the node unable to carry media (503), without an error to the page', async () => {
    const { s, customer, agent } = await callOnNodeA();
    node.downHosts.add(HOST_A);
    // A page that lost its media rejoins by publishing again: that publish meets the dead node.
    customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    for (const p of [customer, agent]) await p.next('media-moved');
    expect(await nodeOf(s.sessionId)).toBe('node-b');
    expect(await republish(customer, agent)).toEqual([`create-room@${HOST_B}`, `publish@${HOST_B}`, `publish@${HOST_B}`]);
    expect(customer.received.some((m) => m.type === 'error')).toBe(false);
  });

  it('stays on its node when no other node can take it', async () => {
    await register('node-a', HOST_A);
    const s = await createSession({ record: false });
    const { customer } = await startCall(s);
    await heartbeat('node-a', false);
    await new Promise((r) => setTimeout(r, 200));
    expect(await nodeOf(s.sessionId)).toBe('node-a');
    expect(customer.received.some((m) => m.type === 'media-moved')).toBe(false);
    expect((await auditActions(s.sessionId)).some((e) => e.action === 'media.failover')).toBe(false);
  });

  it('no longer believes media events of the node it left, nor any event of a stranger', async () => {
    const { s, customer, agent } = await callOnNodeA();
    await heartbeat('node-a', false);
    for (const p of [customer, agent]) await p.next('media-moved');
    const hangup = await nodeFetch('node-a', '/v1/nodes/node-a/events', {
      type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', event: 'hangup',
    });
    expect(hangup.status).toBe(200);
    expect(customer.received.filter((m) => m.type === 'media-event' && m.event === 'hangup')).toEqual([]);
    const stranger = await nodeFetch('node-c', '/v1/nodes/node-c/events', {
      type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', event: 'hangup',
    });
    expect(stranger.status).not.toBe(200);
  });

  it('renegotiates on the same node when the node reports the session\'s legs lost (media-reset)', async () => {
    await register('node-a', HOST_A);
    const s = await createSession({ record: false });
    const { customer, agent } = await startCall(s);
    const reset = await nodeFetch('node-a', '/v1/nodes/node-a/events', { type: 'media-reset', sessionId: s.sessionId, reason: 'janus_restarted' });
    expect(reset.status).toBe(200);
    for (const p of [customer, agent]) await p.next('media-moved');
    expect(await nodeOf(s.sessionId)).toBe('node-a');
    // The Janus room is created again before the first new publish.
    expect(await republish(customer, agent)).toEqual([`create-room@${HOST_A}`, `publish@${HOST_A}`, `publish@${HOST_A}`]);
    const resets = (await auditActions(s.sessionId)).filter((e) => e.action === 'media.reset');
    expect(resets.map((e) => e.detail)).toEqual([{ nodeId: 'node-a', reason: 'janus_restarted' }]);
  });

  it('ignores a media-reset from a node the session left', async () => {
    const { s, customer } = await callOnNodeA();
    await heartbeat('node-a', false);
    await customer.next('media-moved');
    const reset = await nodeFetch('node-a', '/v1/nodes/node-a/events', { type: 'media-reset', sessionId: s.sessionId, reason: 'janus_restarted' });
    expect(reset.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    // next() consumed the failover's media-moved: nothing further arrived.
    expect(customer.received.filter((m) => m.type === 'media-moved')).toHaveLength(0);
    expect((await auditActions(s.sessionId)).some((e) => e.action === 'media.reset')).toBe(false);
  });
});

describe('both pages losing their media on the node', () => {
  it('moves the call when both participants report a broken leg, audited with each report', async () => {
    const { s, customer, agent } = await callOnNodeA();
    customer.send({ type: 'media-lost' });
    await eventually(async () => expect((await auditActions(s.sessionId)).filter((e) => e.action === 'media.lost')).toHaveLength(1));
    expect(await nodeOf(s.sessionId)).toBe('node-a');
    agent.send({ type: 'media-lost' });
    for (const p of [customer, agent]) await p.next('media-moved');
    expect(await nodeOf(s.sessionId)).toBe('node-b');
    const audit = await auditActions(s.sessionId);
    expect(audit.filter((e) => e.action === 'media.lost').map((e) => e.detail)).toEqual([
      { role: 'customer', nodeId: 'node-a' },
      { role: 'agent', nodeId: 'node-a' },
    ]);
    expect(audit.filter((e) => e.action === 'media.failover').map((e) => e.detail)).toEqual([{ from: 'node-a', to: 'node-b', cause: 'media_lost' }]);
    // node-a looks healthy to the registry, but its media path failed a call: no new session for a while.
    const next = await createSession({ record: false });
    expect(await nodeOf(next.sessionId)).toBe('node-b');
    const suspect = await runInDurableObject(registry(), (instance) => (instance as unknown as { fleet(): Promise<FleetStatus> }).fleet());
    expect(Date.parse(suspect.nodes.find((n) => n.nodeId === 'node-a')!.mediaSuspectUntil!)).toBeGreaterThan(Date.now() + 4 * 60_000);
    expect(suspect.nodes.find((n) => n.nodeId === 'node-b')!.mediaSuspectUntil).toBeNull();
    // Late reports about the legs on node-a count for nothing: nobody has published on node-b yet.
    customer.send({ type: 'media-lost' });
    agent.send({ type: 'media-lost' });
    await new Promise((r) => setTimeout(r, 200));
    expect(await nodeOf(s.sessionId)).toBe('node-b');
    expect((await auditActions(s.sessionId)).filter((e) => e.action === 'media.lost')).toHaveLength(2);
  });

  it('stays when only one participant keeps losing its media (its own network)', async () => {
    const { s, customer } = await callOnNodeA();
    customer.send({ type: 'media-lost' });
    await new Promise((r) => setTimeout(r, 2100));
    customer.send({ type: 'media-lost' });
    await eventually(async () => expect((await auditActions(s.sessionId)).filter((e) => e.action === 'media.lost')).toHaveLength(2));
    expect(await nodeOf(s.sessionId)).toBe('node-a');
    expect(customer.received.some((m) => m.type === 'media-moved')).toBe(false);
  });
});

describe('room reconcile through heartbeats', () => {
  const beat = async (nodeId: string, rooms: string[]) => {
    const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/heartbeat`, { sessions: rooms.length, publishers: 0, subscribers: 0, janusUp: true, rooms });
    expect(res.status).toBe(200);
    return ((await res.json()) as { release: string[] }).release;
  };

  it('tells a node to release the rooms of sessions moved off it or ended, and keeps its own', async () => {
    const { s: moved, customer } = await callOnNodeA();
    await heartbeat('node-a', false);
    await customer.next('media-moved');
    const ended = await createSession({ record: false });
    const live = await createSession({ record: false });
    const placedOn = await nodeOf(live.sessionId);
    expect(await signedFetch('DELETE', `/v1/sessions/${ended.sessionId}`).then((r) => r.status)).toBe(200);
    const stranger = crypto.randomUUID();
    const release = await beat(placedOn === 'node-a' ? 'node-a' : 'node-b', [moved.sessionId, ended.sessionId, live.sessionId, stranger]);
    expect(new Set(release)).toEqual(new Set([ended.sessionId, stranger, ...(placedOn === 'node-a' ? [moved.sessionId] : [])]));
    // node-b carries the moved session now: it keeps it.
    expect(await beat('node-b', [moved.sessionId])).toEqual([]);
  });

  it('answers an empty release to a node that reports no rooms (older nodes)', async () => {
    await register('node-a', HOST_A);
    const res = await nodeFetch('node-a', '/v1/nodes/node-a/heartbeat', { sessions: 0, publishers: 0, subscribers: 0, janusUp: true });
    expect(((await res.json()) as { release: string[] }).release).toEqual([]);
  });
});
