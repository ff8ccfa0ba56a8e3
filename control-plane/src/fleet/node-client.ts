import { CONTROL_PLANE_KEY_ID, ErrorBody, NODE_COMMANDS_PATH, NodeCommandResult, signRequest, type NodeCommand } from '@vident/protocol';

const DEFAULT_TIMEOUT_MS = 10_000;

export type CommandOutcome<T extends NodeCommand['type']> =
  | { ok: true; result: NodeCommandResult<T> }
  | {
      ok: false;
      code: 'media_node_error';
      message: string;
      /** The node cannot carry media at all (unreachable, timed out, or its Janus is down): move the session. */
      nodeDown: boolean;
    };

export interface NodeTarget {
  nodeId: string;
  url: string;
}

export interface SendOptions {
  secret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: number;
}

/**
 * Sends one signed command to a node's sidecar and validates its answer. Never throws: network
 * errors, timeouts, error bodies and malformed answers all become media_node_error, with a message
 * safe to show a browser (no SDP, no addresses beyond the node id).
 */
export async function sendNodeCommand<C extends NodeCommand>(
  node: NodeTarget,
  command: C,
  options: SendOptions,
): Promise<CommandOutcome<C['type']>> {
  const fail = (message: string, nodeDown = false) => ({ ok: false, code: 'media_node_error', message, nodeDown }) as const;
  const body = JSON.stringify(command);
  let response: Response;
  try {
    const headers = await signRequest({
      keyId: CONTROL_PLANE_KEY_ID,
      secret: options.secret,
      method: 'POST',
      pathWithQuery: NODE_COMMANDS_PATH,
      body,
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
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
  let value: unknown;
  try {
    value = await response.json();
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
