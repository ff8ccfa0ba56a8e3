import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesk } from '../src/desk/agent-desk.ts';
import { MediaNodeRegistry } from '../src/fleet/media-node-registry.ts';
import { SessionDirectory } from '../src/session/session-directory.ts';
import type { CreateSessionResponse } from '@vident/protocol';
import { pattern, putPart, seal, uploadStart } from './evidence-helpers.ts';
import { clearIndexes, createSession, eventually, fullChecklist, giveConsent, installFakeNode, nodeSigning, Participant, registerNode, signedFetch } from './helpers.ts';

/*
 * How many requests each singleton Durable Object (directory, registry, desk) receives for one full
 * recorded call, and that the count does not grow with the frames relayed: one Durable Object serves
 * on the order of a thousand requests a second, so anything per frame caps the whole deployment
 * (docs/SCALE.md). The objects share this test's isolate, so their classes are wrapped here, in the
 * test only: every RPC method of each counts its calls. Nothing of it exists in the Worker.
 */

const node = installFakeNode();
const NODE = 'node-traffic';

const calls = new Map<string, number>();

/** Counts the calls of each method others call on the object (its RPC interface, fetch, alarm). */
function countCalls(name: string, cls: { prototype: object }, methods: string[]): void {
  const proto = cls.prototype as Record<string, unknown>;
  for (const method of [...methods, 'fetch', 'alarm']) {
    const original = Object.getOwnPropertyDescriptor(proto, method)?.value as unknown;
    if (typeof original !== 'function') continue;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const key = `${name}.${method}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

// The methods of session-directory-rpc.ts, media-node-registry-rpc.ts and agent-desk-rpc.ts.
countCalls('directory', SessionDirectory, ['upsert', 'forget', 'list', 'indexUpload', 'uploadSession', 'funnelRows', 'activeCount', 'recordings']);
countCalls('registry', MediaNodeRegistry, ['enrol', 'revoke', 'enrolment', 'register', 'heartbeat', 'place', 'reassign', 'release', 'drain', 'undrain', 'status', 'fleet']);
countCalls('desk', AgentDesk, ['customerWaiting', 'waitEnded', 'snapshot', 'generation', 'revokeAgent']);

/**
 * A request of the (already enrolled) node. Not helpers' nodeFetch: that one asks the registry
 * whether the node is enrolled first, a call the real node never makes.
 */
async function asNode(path: string, body: unknown): Promise<Response> {
  const res = await signedFetch('POST', path, body, await nodeSigning(NODE));
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
}

/** Like helpers' startCall, with the node's events sent by asNode. */
async function startCall(s: CreateSessionResponse): Promise<{ customer: Participant; agent: Participant }> {
  const customer = await Participant.join(s.sessionId, s.customerUrl);
  const agent = await Participant.join(s.sessionId, s.agentUrl);
  if ((await customer.next('welcome')).session.consent === 'pending') await giveConsent(customer, s.sessionId);
  await agent.next('welcome');
  for (const p of [customer, agent]) {
    p.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    await p.next('published');
  }
  for (const participant of ['customer', 'agent'] as const) {
    await asNode(`/v1/nodes/${NODE}/events`, { type: 'media', sessionId: s.sessionId, participant, leg: 'publisher', event: 'webrtcup' });
  }
  for (const p of [customer, agent]) expect((await p.next('session-state')).state).toBe('in_call');
  return { customer, agent };
}

/** The node uploads a participant's one-part recording: start, part, complete. */
async function uploadRecording(sessionId: string, participant: 'customer' | 'agent'): Promise<void> {
  const sealed = await seal(pattern(4096, participant === 'customer' ? 1 : 2));
  const start = await uploadStart(sessionId, participant, 1, sealed);
  await asNode(`/v1/nodes/${NODE}/uploads`, start);
  const part = await putPart(NODE, start.artifactId, 1, sealed);
  expect(part.status, await part.clone().text()).toBe(200);
  await asNode(`/v1/nodes/${NODE}/uploads/${start.artifactId}/complete`, {});
}

beforeAll(async () => {
  await clearIndexes();
  await registerNode(NODE);
});

afterEach(() => Participant.closeAll());

/**
 * Every singleton call of one recorded call, by object and method: each side sends `frames`
 * media-state frames and `frames` trickle candidates (relayed to the node), and a few chat lines
 * (the in-call tools allow five a second).
 */
async function recordedCall(frames: number): Promise<Record<string, number>> {
  calls.clear();
  const s = await createSession({ externalRef: `traffic-${frames}`, record: true });
  const { customer, agent } = await startCall(s);
  const trickles = node.commands.filter((c) => c.type === 'trickle').length;
  for (let i = 0; i < frames; i++) {
    customer.send({ type: 'media-state', audio: i % 2 === 0, video: true });
    agent.send({ type: 'media-state', audio: true, video: i % 2 === 0 });
    for (const p of [customer, agent]) p.send({ type: 'trickle', leg: 'publisher', candidate: { candidate: `candidate:${i} 1 tcp 1 10.0.0.1 9 typ host tcptype active`, sdpMid: '0' } });
  }
  for (let i = 0; i < 2; i++) {
    customer.send({ type: 'chat', text: `customer ${i}` });
    agent.send({ type: 'chat', text: `agent ${i}` });
  }
  // Every frame was handled once the other side got every answer and the node every candidate.
  await eventually(() => {
    for (const p of [customer, agent]) {
      expect(p.count('peer-media')).toBeGreaterThanOrEqual(frames);
      expect(p.count('chat')).toBeGreaterThanOrEqual(4);
    }
    expect(node.commands.filter((c) => c.type === 'trickle').length - trickles).toBe(frames * 2);
  }, 20_000);
  agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'ok', checklist: fullChecklist() });
  await customer.next('session-ended');
  await uploadRecording(s.sessionId, 'customer');
  await uploadRecording(s.sessionId, 'agent');
  return Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b)));
}

describe('singleton traffic of one recorded call', () => {
  it('is a handful of requests per singleton, the same for 10 and for 100 frames each way', async () => {
    const ten = await recordedCall(10);
    const hundred = await recordedCall(100);
    expect(hundred).toEqual(ten);
    // The counts docs/SCALE.md works from (directory: the snapshot's creation, both joins, consent,
    // in_call, the end, each recording's start and storing; uploads: their index and the session of a
    // part and a completion; registry: placement, the end, the enrolment of each node request and
    // of the session's commands once): see it before changing one.
    expect(ten).toEqual({
      'desk.customerWaiting': 1,
      'desk.waitEnded': 2,
      'directory.indexUpload': 2,
      'directory.uploadSession': 4,
      'directory.upsert': 9,
      'registry.enrolment': 9,
      'registry.place': 1,
      'registry.release': 1,
    });
  });
});
