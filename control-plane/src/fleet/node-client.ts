import {
  CONTROL_PLANE_KEY_ID,
  ErrorBody,
  NODE_COMMANDS_PATH,
  NodeCommandResult,
  SIGNATURE_HEADERS,
  signRequest,
  verifyAnswer,
  type NodeCommand,
} from '@vident/protocol';
import { loadConfig } from '../base/config.ts';
import { registryStub, type Env } from '../base/env.ts';
import { commandUrlProblem } from './command-url.ts';
import { controlPlaneSigningKey, nodePublicKey } from './node-signing-keys.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

export type CommandOutcome<T extends NodeCommand['type']> =
  | { ok: true; result: NodeCommandResult<T> }
  | {
      ok: false;
      code: 'media_node_error';
      message: string;
      /** The node cannot carry media at all (unreachable, timed out, its Janus is down, or revoked): move the session. */
      nodeDown: boolean;
    };

/** Where and to whom a command goes: the node's enrolled (pinned) URL and its enrolled public key. */
export interface SignedTarget {
  nodeId: string;
  url: string;
  publicKey: CryptoKey;
}

export interface SendOptions {
  /** The control plane's Ed25519 command-signing key. */
  signingKey: CryptoKey;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: number;
}

/**
 * Sends one command to a node as the registry has it enrolled: to its pinned URL, signed with
 * CONTROL_PLANE_SIGNING_KEY, its answer verified against its enrolled key. An unknown or revoked
 * node counts as down (its sessions move).
 */
export async function sendNodeCommand<C extends NodeCommand>(
  env: Env,
  nodeId: string,
  command: C,
  options: { timeoutMs?: number } = {},
): Promise<CommandOutcome<C['type']>> {
  const target = await enrolledTarget(env, nodeId);
  if (!target.ok) return target;
  return sendSignedCommand(target.target, command, { signingKey: await controlPlaneSigningKey(loadConfig(env)), ...options });
}

/**
 * Where commands to a node go, as the registry has it enrolled (one registry call). A session keeps
 * the answer for its node (session-core.ts) so that its commands do not each ask the registry.
 */
export async function enrolledTarget(
  env: Env,
  nodeId: string,
): Promise<{ ok: true; target: SignedTarget } | { ok: false; code: 'media_node_error'; message: string; nodeDown: true }> {
  const enrolled = await registryStub(env).enrolment(nodeId);
  if (!enrolled.ok) return { ok: false, code: 'media_node_error', message: `media node ${nodeId} cannot take commands (${enrolled.code})`, nodeDown: true };
  // Enrolment checks the URL; a config changed since (http no longer allowed) is checked here too.
  if (commandUrlProblem(enrolled.enrolment.url, loadConfig(env)) !== null) {
    return { ok: false, code: 'media_node_error', message: `media node ${nodeId}'s command URL is not https`, nodeDown: true };
  }
  return { ok: true, target: { nodeId, url: enrolled.enrolment.url, publicKey: await nodePublicKey(enrolled.enrolment.publicKey) } };
}

/**
 * Sends one signed command to a node's sidecar and checks its answer: signed by the node, for this
 * very request (a swapped or replayed answer is refused), then schema-checked. Never throws:
 * network errors, timeouts, error bodies and malformed or unauthenticated answers all become
 * media_node_error, with a message safe to show a browser (no SDP, no addresses beyond the node id).
 */
export async function sendSignedCommand<C extends NodeCommand>(
  node: SignedTarget,
  command: C,
  options: SendOptions,
): Promise<CommandOutcome<C['type']>> {
  const fail = (message: string, nodeDown = false) => ({ ok: false, code: 'media_node_error', message, nodeDown }) as const;
  const body = JSON.stringify(command);
  let response: Response;
  let requestSignature: string;
  try {
    const headers = await signRequest({
      keyId: CONTROL_PLANE_KEY_ID,
      secret: options.signingKey,
      method: 'POST',
      pathWithQuery: NODE_COMMANDS_PATH,
      body,
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    requestSignature = headers[SIGNATURE_HEADERS.signature]!;
    // The signature covers exactly NODE_COMMANDS_PATH, so any path in the node's URL is ignored.
    const url = new URL(NODE_COMMANDS_PATH, node.url).toString();
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'unreachable';
    return fail(`media node ${node.nodeId} ${reason} (${command.type})`, true);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return fail(`media node ${node.nodeId} ${command.type} answer was cut off`);
  }
  const signed = await verifyAnswer(node.publicKey, requestSignature, response.status, text, response.headers.get(SIGNATURE_HEADERS.answerSignature));
  if (!signed) return fail(`media node ${node.nodeId} answered ${command.type} without its signature for this command (answer_unauthenticated)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(`media node ${node.nodeId} answered ${response.status} without JSON (${command.type})`);
  }
  if (!response.ok) {
    const error = ErrorBody.safeParse(value);
    const detail = error.success ? `${error.data.error.code}: ${error.data.error.message}` : `HTTP ${response.status}`;
    return fail(`media node ${node.nodeId} refused ${command.type} (${detail})`, response.status === 503);
  }
  const parsed = NodeCommandResult[command.type as C['type']].safeParse(value);
  if (!parsed.success) return fail(`media node ${node.nodeId} answered ${command.type} with an unexpected body`);
  return { ok: true, result: parsed.data as NodeCommandResult<C['type']> };
}
