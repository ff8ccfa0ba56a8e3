import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesk } from '../src/desk/agent-desk.ts';
import { MediaNodeRegistry } from '../src/fleet/media-node-registry.ts';
import { SessionDirectory } from '../src/session/session-directory.ts';
import { EvidenceUploads } from '../src/evidence/evidence-uploads.ts';
import { MIN_PART_SIZE, partCount, uploadPartUrl, UploadStatus, type CreateSessionResponse } from '@vident/protocol';
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
/** The Worker's evidence calls on the sessions (not a singleton: counted apart, for the per-part figure). */
const evidenceCalls = new Map<string, number>();

/** Counts the calls of each method others call on the object (its RPC interface, fetch, alarm). */
function countCalls(name: string, cls: { prototype: object }, methods: string[], into = calls): void {
  const proto = cls.prototype as Record<string, unknown>;
  for (const method of [...methods, 'fetch', 'alarm']) {
    const original = Object.getOwnPropertyDescriptor(proto, method)?.value as unknown;
    if (typeof original !== 'function') continue;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const key = `${name}.${method}`;
      into.set(key, (into.get(key) ?? 0) + 1);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

// The methods of session-directory-rpc.ts, media-node-registry-rpc.ts and agent-desk-rpc.ts.
countCalls('directory', SessionDirectory, ['upsert', 'forget', 'list', 'indexUpload', 'funnelRows', 'activeCount', 'recordings']);
countCalls('registry', MediaNodeRegistry, ['enrol', 'revoke', 'enrolment', 'register', 'heartbeat', 'place', 'reassign', 'release', 'drain', 'undrain', 'status', 'fleet']);
countCalls('desk', AgentDesk, ['customerWaiting', 'waitEnded', 'snapshot', 'generation', 'revokeAgent']);
// The session's side of each upload call the Worker makes (SessionEvidence hands each to one of these).
countCalls('evidence', EvidenceUploads, ['start', 'partReceived', 'restartUpload', 'prepareComplete', 'finishComplete'], evidenceCalls);

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

/**
 * The node uploads a participant's recording of `parts` parts (5 MiB each but the last): start, the
 * parts to the URLs the start answered, complete.
 */
async function uploadRecording(sessionId: string, participant: 'customer' | 'agent', parts: number): Promise<void> {
  const sealed = await seal(pattern((parts - 1) * MIN_PART_SIZE + 4096, participant === 'customer' ? 1 : 2));
  const start = await uploadStart(sessionId, participant, 1, sealed);
  expect(partCount(start.size, start.partSize)).toBe(parts);
  const { urls } = UploadStatus.parse(await (await asNode(`/v1/nodes/${NODE}/uploads`, start)).json());
  for (let n = 1; n <= parts; n++) {
    const part = await putPart(NODE, start.artifactId, n, sealed.slice((n - 1) * MIN_PART_SIZE, n * MIN_PART_SIZE), { path: uploadPartUrl(urls!, n) });
    expect(part.status, await part.clone().text()).toBe(200);
  }
  await asNode(urls!.complete, {});
}

beforeAll(async () => {
  await clearIndexes();
  await registerNode(NODE);
});

afterEach(() => Participant.closeAll());

/**
 * Every singleton call of one recorded call, by object and method: each side sends `frames`
 * media-state frames and `frames` trickle candidates (relayed to the node), and a few chat lines
 * (the in-call tools allow five a second); then both recordings are uploaded in `parts` parts each.
 */
async function recordedCall(frames: number, parts = 1): Promise<Record<string, number>> {
  calls.clear();
  evidenceCalls.clear();
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
  await uploadRecording(s.sessionId, 'customer', parts);
  await uploadRecording(s.sessionId, 'agent', parts);
  return Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b)));
}

describe('singleton traffic of one recorded call', () => {
  it('is a handful of requests per singleton, the same for 10 and for 100 frames each way', async () => {
    const ten = await recordedCall(10);
    const hundred = await recordedCall(100);
    expect(hundred).toEqual(ten);
    // The counts docs/SCALE.md works from (directory: the snapshot's creation, both joins, consent,
    // in_call, the end, each recording's start and storing, and each upload start's artifact index;
    // registry: placement, the end, the enrolment of each node request and of the session's commands
    // once): see it before changing one.
    expect(ten).toEqual({
      'desk.customerWaiting': 1,
      'desk.waitEnded': 2,
      'directory.indexUpload': 2,
      'directory.upsert': 9,
      'registry.enrolment': 9,
      'registry.place': 1,
      'registry.release': 1,
    });
  });

  it('asks the directory nothing per uploaded part: parts name their session (issue 16)', async () => {
    const onePart = await recordedCall(10, 1);
    const threeParts = await recordedCall(10, 3);
    // Two more parts for each of the two recordings: only the node's key check per request grows.
    expect(threeParts).toEqual({ ...onePart, 'registry.enrolment': onePart['registry.enrolment']! + 4 });
    expect(Object.keys(threeParts).filter((k) => k.startsWith('directory.'))).toEqual(['directory.indexUpload', 'directory.upsert']);
    // And one session call per part (recording it), per recording one start and two for completing.
    expect(Object.fromEntries(evidenceCalls)).toEqual({
      'evidence.start': 2,
      'evidence.partReceived': 6,
      'evidence.prepareComplete': 2,
      'evidence.finishComplete': 2,
    });
  });
});
