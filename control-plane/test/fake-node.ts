import { importEd25519PrivateKey, importEd25519PublicKey, NodeCommand, SIGNATURE_HEADERS, signAnswer, verifyRequest } from '@vident/protocol';
import { vi } from 'vitest';
import { TEST_CONTROL_PLANE_PUBLIC_KEY, TEST_NODE_PRIVATE_KEY } from './node-keys.ts';

/*
 * The fake media node fleet: how its nodes sign (one shared test key, see node-keys.ts) and a
 * stand-in for every sidecar that verifies commands and signs its answers like the real one.
 */

let fleetKey: Promise<CryptoKey> | undefined;

/** How a test node signs: key id = node id, the fake fleet's Ed25519 key. */
export async function nodeSigning(nodeId: string): Promise<{ keyId: string; secret: CryptoKey }> {
  fleetKey ??= importEd25519PrivateKey(TEST_NODE_PRIVATE_KEY);
  return { keyId: nodeId, secret: await fleetKey };
}

/** What the fake media node received: verified, parsed commands in arrival order. */
export interface FakeNode {
  commands: NodeCommand[];
  /** The host each command was sent to, index for index with `commands`. */
  hosts: string[];
  /** Make the next commands of a type fail with an ErrorBody. */
  failing: Set<NodeCommand['type']>;
  /** Hosts answering like a node whose Janus is down (503). */
  downHosts: Set<string>;
  restore(): void;
}

/**
 * Stands in for every media node sidecar: replaces fetch (the Durable Objects share the test's
 * isolate) with a handler that verifies the control plane's signature like a real node would and
 * answers each command per protocol. Unsigned or badly signed commands are refused, not recorded.
 */
export function installFakeNode(): FakeNode {
  const node: FakeNode = { commands: [], hosts: [], failing: new Set(), downHosts: new Set(), restore: () => vi.unstubAllGlobals() };
  const controlPlaneKey = importEd25519PublicKey(TEST_CONTROL_PLANE_PUBLIC_KEY);
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = await request.text();
    const verified = await verifyRequest({
      method: request.method,
      pathWithQuery: url.pathname + url.search,
      body,
      header: (n) => request.headers.get(n),
      secretFor: async (keyId) => (keyId === 'control-plane' ? controlPlaneKey : undefined),
    });
    if (!verified.ok || url.pathname !== '/v1/commands') {
      return Response.json({ error: { code: 'unauthorized', message: 'bad signature' } }, { status: 401 });
    }
    // Like the sidecar: every answer to a verified command is signed by the node, for that command.
    const answer = fakeNodeAnswer(node, url, body);
    const text = await answer.text();
    const requestSignature = request.headers.get(SIGNATURE_HEADERS.signature) ?? '';
    const { secret } = await nodeSigning('fake-node');
    return new Response(text, {
      status: answer.status,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADERS.answerSignature]: await signAnswer(secret, requestSignature, answer.status, text) },
    });
  });
  return node;
}

/** The fake node's answer to one verified command, per protocol. */
function fakeNodeAnswer(node: FakeNode, url: URL, body: string): Response {
  const parsed = NodeCommand.safeParse(JSON.parse(body));
  if (!parsed.success) return Response.json({ error: { code: 'validation_failed', message: 'bad command' } }, { status: 400 });
  const cmd = parsed.data;
  node.commands.push(cmd);
  node.hosts.push(url.host);
  if (node.downHosts.has(url.host)) {
    return Response.json({ error: { code: 'media_node_error', message: 'janus is not connected' } }, { status: 503 });
  }
  if (node.failing.has(cmd.type)) {
    return Response.json({ error: { code: 'internal', message: `janus said no to ${cmd.type}` } }, { status: 500 });
  }
  switch (cmd.type) {
    case 'create-room':
    case 'destroy-room':
      return Response.json({ sessionId: cmd.sessionId });
    case 'publish':
      return Response.json({ sdp: `v=0 answer-for-${cmd.participant}` });
    case 'subscribe':
      return Response.json({ sdp: `v=0 offer-of-${cmd.feed}-for-${cmd.participant}` });
    case 'probe':
      return Response.json({ sdp: `v=0 echo-answer-${cmd.probeId}` });
    default:
      return Response.json({});
  }
}
