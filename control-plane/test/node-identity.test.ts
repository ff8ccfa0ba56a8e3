import {
  EnrolledNode,
  ErrorBody,
  FleetStatus,
  generateEd25519KeyPair,
  importEd25519PrivateKey,
  importEd25519PublicKey,
  SessionView,
  SIGNATURE_HEADERS,
  signAnswer,
  type NodeCommand,
} from '@vident/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendSignedCommand } from '../src/fleet/node-client.ts';
import { ADMIN_KEY, clearIndexes, createSession, eventually, fakeNodeUrl, installFakeNode, Participant, registerNode, signedFetch } from './helpers.ts';
import { TEST_CONTROL_PLANE_PUBLIC_KEY, TEST_CONTROL_PLANE_SIGNING_KEY } from './node-keys.ts';

/*
 * Security review findings 1 and 2: each media node has its own Ed25519 key, enrolled by the
 * platform team; the registry refuses unknown ids, another node's key, revoked nodes and a command
 * URL other than the enrolled one; the node's answers to commands are signed for the very command.
 */

interface TestNode {
  nodeId: string;
  publicKey: string;
  privateKey: CryptoKey;
}

async function newNode(nodeId: string): Promise<TestNode> {
  const pair = await generateEd25519KeyPair();
  return { nodeId, publicKey: pair.publicKey, privateKey: await importEd25519PrivateKey(pair.privateKey) };
}

const enrol = (node: TestNode, url = fakeNodeUrl(node.nodeId)) =>
  signedFetch('POST', '/v1/admin/nodes', { nodeId: node.nodeId, publicKey: node.publicKey, url }, ADMIN_KEY);

/** A node request signed as `as` (key id) with `node`'s private key. */
const nodeRequest = (node: TestNode, path: string, body: unknown, as = node.nodeId) => signedFetch('POST', path, body, { keyId: as, secret: node.privateKey });

const registration = (nodeId: string, url = fakeNodeUrl(nodeId)) => ({ nodeId, url, capacity: 5, version: 'test' });
const beat = { sessions: 0, publishers: 0, subscribers: 0, janusUp: true };

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
}

beforeAll(async () => {
  await clearIndexes();
});

describe('node enrolment', () => {
  it('refuses a node id that was never enrolled, whatever it signs with', async () => {
    const stranger = await newNode('node-unenrolled');
    await expectError(await nodeRequest(stranger, '/v1/nodes/register', registration(stranger.nodeId)), 401, 'unknown_key');
    await expectError(await nodeRequest(stranger, `/v1/nodes/${stranger.nodeId}/heartbeat`, beat), 401, 'unknown_key');
  });

  it('refuses a node signing with another node\'s key', async () => {
    const a = await newNode('node-id-a');
    const b = await newNode('node-id-b');
    expect((await enrol(a)).status).toBe(201);
    expect((await enrol(b)).status).toBe(201);
    expect((await nodeRequest(b, '/v1/nodes/register', registration(b.nodeId))).status).toBe(200);
    // b, holding only its own key, tries to speak as a.
    await expectError(await nodeRequest(b, '/v1/nodes/register', registration(a.nodeId), a.nodeId), 401, 'signature_invalid');
    await expectError(await nodeRequest(b, `/v1/nodes/${a.nodeId}/heartbeat`, beat, a.nodeId), 401, 'signature_invalid');
  });

  it('pins the enrolled command URL', async () => {
    const node = await newNode('node-id-pinned');
    expect((await enrol(node)).status).toBe(201);
    await expectError(await nodeRequest(node, '/v1/nodes/register', registration(node.nodeId, 'http://127.0.0.1:9/elsewhere')), 409, 'node_url_mismatch');
    expect((await nodeRequest(node, '/v1/nodes/register', registration(node.nodeId))).status).toBe(200);
  });

  it('answers the control plane\'s key to pin, and refuses a malformed enrolment', async () => {
    const node = await newNode('node-id-pin');
    const enrolled = EnrolledNode.parse(await (await enrol(node)).json());
    expect(enrolled).toMatchObject({ nodeId: node.nodeId, publicKey: node.publicKey, revokedAt: null, controlPlanePublicKey: TEST_CONTROL_PLANE_PUBLIC_KEY });
    await expectError(await signedFetch('POST', '/v1/admin/nodes', { nodeId: 'node-x', publicKey: 'not-a-key', url: 'http://127.0.0.1:9/' }, ADMIN_KEY), 400, 'validation_failed');
    // Only the platform team enrols: a bank key is refused.
    await expectError(await signedFetch('POST', '/v1/admin/nodes', { nodeId: 'node-x', publicKey: node.publicKey, url: 'http://127.0.0.1:9/' }), 401, 'unknown_key');
  });

  it('cuts a revoked node off at once: registration, heartbeats, events and uploads refused, no session placed on it', async () => {
    await clearIndexes();
    const node = await newNode('node-id-revoked');
    expect((await enrol(node)).status).toBe(201);
    expect((await nodeRequest(node, '/v1/nodes/register', registration(node.nodeId))).status).toBe(200);
    expect((await nodeRequest(node, `/v1/nodes/${node.nodeId}/heartbeat`, beat)).status).toBe(200);
    const session = await createSession();
    const placed = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${session.sessionId}`)).json());
    expect(placed.nodeId).toBe(node.nodeId);

    const revoked = await signedFetch('POST', `/v1/admin/nodes/${node.nodeId}/revoke`, undefined, ADMIN_KEY);
    expect(revoked.status).toBe(200);
    expect(EnrolledNode.parse(await revoked.json()).revokedAt).not.toBeNull();

    await expectError(await nodeRequest(node, '/v1/nodes/register', registration(node.nodeId)), 401, 'key_revoked');
    await expectError(await nodeRequest(node, `/v1/nodes/${node.nodeId}/heartbeat`, beat), 401, 'key_revoked');
    const event = { type: 'participant-left', sessionId: session.sessionId, participant: 'customer' };
    await expectError(await nodeRequest(node, `/v1/nodes/${node.nodeId}/events`, event), 401, 'key_revoked');
    await expectError(await nodeRequest(node, `/v1/nodes/${node.nodeId}/uploads`, {}), 401, 'key_revoked');
    // Out of placement: the fleet no longer lists it and a new session finds no node.
    const fleet = FleetStatus.parse(await (await signedFetch('GET', '/v1/admin/nodes', undefined, ADMIN_KEY)).json());
    expect(fleet.nodes.map((n) => n.nodeId)).not.toContain(node.nodeId);
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'after-revoke', customerName: 'Kim' }), 503, 'no_media_node');
    // A revoked id stays revoked: enrolling it again is refused.
    await expectError(await enrol(node), 401, 'key_revoked');
  });

  it('moves a revoked node\'s live sessions to another node, as for a dead node', async () => {
    await clearIndexes();
    const fake = installFakeNode();
    try {
      const from = await newNode('node-id-moved-from');
      const to = await newNode('node-id-moved-to');
      expect((await enrol(from)).status).toBe(201);
      expect((await nodeRequest(from, '/v1/nodes/register', registration(from.nodeId))).status).toBe(200);
      const session = await createSession();
      const nodeOf = async () => SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${session.sessionId}`)).json()).nodeId;
      expect(await nodeOf()).toBe(from.nodeId);
      expect((await enrol(to)).status).toBe(201);
      expect((await nodeRequest(to, '/v1/nodes/register', registration(to.nodeId))).status).toBe(200);

      expect((await signedFetch('POST', `/v1/admin/nodes/${from.nodeId}/revoke`, undefined, ADMIN_KEY)).status).toBe(200);
      await eventually(async () => expect(await nodeOf()).toBe(to.nodeId));
    } finally {
      fake.restore();
    }
  });
});

describe('a session\'s commands after its node is revoked', () => {
  it('sends its node nothing more, though it kept the node\'s enrolment for its earlier commands', async () => {
    await clearIndexes();
    const fake = installFakeNode();
    try {
      await registerNode('node-id-cached');
      const session = await createSession({ record: false });
      const customer = await Participant.join(session.sessionId, session.customerUrl);
      await customer.next('welcome');
      customer.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
      await customer.next('published');
      const host = new URL(fakeNodeUrl('node-id-cached')).host;
      expect(fake.hosts).toContain(host);

      expect((await signedFetch('POST', '/v1/admin/nodes/node-id-cached/revoke', undefined, ADMIN_KEY)).status).toBe(200);
      const before = fake.commands.length;
      customer.send({ type: 'media-state', audio: false, video: true });
      customer.send({ type: 'trickle', leg: 'publisher', candidate: null });
      await customer.next('error').catch(() => undefined);
      expect(fake.commands.slice(before)).toEqual([]);
    } finally {
      await Participant.closeAll();
      fake.restore();
    }
  });
});

describe('answers to commands', () => {
  const command: NodeCommand = {
    type: 'publish',
    sessionId: '00000000-0000-4000-8000-000000000001',
    participant: 'customer',
    segment: 1,
    display: 'customer',
    sdp: 'v=0 offer',
    audio: true,
    video: true,
  };
  let node: TestNode;
  let signingKey: CryptoKey;
  let target: { nodeId: string; url: string; publicKey: CryptoKey };

  beforeAll(async () => {
    node = await newNode('node-answers');
    signingKey = await importEd25519PrivateKey(TEST_CONTROL_PLANE_SIGNING_KEY);
    target = { nodeId: node.nodeId, url: 'http://127.0.0.1:9/', publicKey: await importEd25519PublicKey(node.publicKey) };
  });

  /** A node answering `body`, signed by `signer` over `signedBody` for the request it receives (or the one given). */
  function answering(opts: { body: string; signedBody?: string; signer?: CryptoKey; forRequest?: string; status?: number }): typeof fetch {
    return async (_input, init) => {
      const requestSignature = opts.forRequest ?? new Headers(init?.headers).get(SIGNATURE_HEADERS.signature) ?? '';
      const status = opts.status ?? 200;
      const signature = await signAnswer(opts.signer ?? node.privateKey, requestSignature, status, opts.signedBody ?? opts.body);
      return new Response(opts.body, { status, headers: { [SIGNATURE_HEADERS.answerSignature]: signature } });
    };
  }

  const send = (node: typeof fetch) => sendSignedCommand(target, command, { signingKey, fetch: node });
  const real = JSON.stringify({ sdp: 'v=0 the node\'s answer' });
  const swapped = JSON.stringify({ sdp: 'v=0 the attacker\'s answer (its own DTLS fingerprint)' });

  it('takes an answer the node signed for this command', async () => {
    expect(await send(answering({ body: real }))).toEqual({ ok: true, result: { sdp: 'v=0 the node\'s answer' } });
  });

  it('refuses a swapped answer, an unsigned one, one signed for another command, or by another key', async () => {
    const refused = { ok: false, code: 'media_node_error', nodeDown: false, message: expect.stringContaining('answer_unauthenticated') };
    expect(await send(answering({ body: swapped, signedBody: real }))).toEqual(refused);
    expect(await send(async () => new Response(swapped))).toEqual(refused);
    expect(await send(answering({ body: swapped, forRequest: 'ab'.repeat(64) }))).toEqual(refused);
    expect(await send(answering({ body: swapped, signer: (await newNode('node-other')).privateKey }))).toEqual(refused);
    // The status is covered too: a signed refusal cannot be turned into a success.
    const error = JSON.stringify({ error: { code: 'internal', message: 'no' } });
    expect(await send(answering({ body: error, status: 500 }))).toMatchObject({ ok: false, nodeDown: false });
  });
});
