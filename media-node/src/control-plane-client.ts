/*
 * Signed HTTP from the media node to the control plane (register, heartbeat, events).
 * Signature: signRequest from @vident/protocol with key id = NODE_ID, secret = NODE_SECRET.
 */
import {
  NodeRegistrationAccepted,
  signRequest,
  type NodeEvent,
  type NodeHeartbeat,
  type NodeRegistration,
} from '@vident/protocol';

/** A control-plane answer that was not 2xx; `status` 0 means the request never got an answer. */
export class ControlPlaneError extends Error {
  override name = 'ControlPlaneError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlPlaneClientOptions {
  baseUrl: string;
  nodeId: string;
  nodeSecret: string;
  timeoutMs?: number;
}

export class ControlPlaneClient {
  private readonly base: URL;

  constructor(private readonly opts: ControlPlaneClientOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  }

  /** Registers this node; returns the heartbeat interval the control plane asks for, if it says. */
  async register(registration: NodeRegistration): Promise<number | undefined> {
    const body = await this.post('v1/nodes/register', registration);
    const parsed = NodeRegistrationAccepted.safeParse(body);
    return parsed.success ? parsed.data.heartbeatIntervalMs : undefined;
  }

  async heartbeat(heartbeat: NodeHeartbeat): Promise<void> {
    await this.post(`v1/nodes/${encodeURIComponent(this.opts.nodeId)}/heartbeat`, heartbeat);
  }

  async postEvent(event: NodeEvent): Promise<void> {
    await this.post(`v1/nodes/${encodeURIComponent(this.opts.nodeId)}/events`, event);
  }

  private async post(relativePath: string, payload: unknown): Promise<unknown> {
    const url = new URL(relativePath, this.base);
    const body = JSON.stringify(payload);
    const headers = await signRequest({
      keyId: this.opts.nodeId,
      secret: this.opts.nodeSecret,
      method: 'POST',
      pathWithQuery: url.pathname + url.search,
      body,
    });
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
      });
    } catch (err) {
      throw new ControlPlaneError(0, `control plane unreachable: ${(err as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new ControlPlaneError(response.status, `control plane answered ${response.status}: ${text.slice(0, 200)}`);
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return {};
    }
  }
}
