import { AuditTrail, NodeRegistration, RECORDING_CONSENT_VERSION, signRequest, type CreateSessionResponse, type RequestKey, type ServerMessage } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { loadConfig } from '../src/base/config.ts';
import { registryStub } from '../src/base/env.ts';
import { nodeSigning } from './fake-node.ts';
import { TEST_NODE_PUBLIC_KEY } from './node-keys.ts';

export { installFakeNode, nodeSigning, type FakeNode } from './fake-node.ts';
import type { SessionRecord } from '../src/session/session-record.ts';
import type { VerificationSession } from '../src/session/verification-session.ts';

export const ORIGIN = 'http://vident.test';
export const BANK_KEY = { keyId: 'bank-test', secret: 'test-bank-secret-0123456789abcdef' };
export const ADMIN_KEY = { keyId: 'ops-test', secret: 'test-admin-secret-0123456789abcdef' };

export interface SignedOptions {
  keyId?: string;
  /** An HMAC secret (bank, admin) or an Ed25519 private key (a node). */
  secret?: RequestKey;
  now?: number;
  /** Sign this body but send `body` (tampering). */
  signedBody?: string;
  /** Extra headers sent along (e.g. cf-connecting-ip). */
  headers?: Record<string, string>;
}

/** A bank (or node) request signed like a real client would sign it. */
export async function signedFetch(method: string, pathWithQuery: string, body?: unknown, opts: SignedOptions = {}): Promise<Response> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = await signRequest({
    keyId: opts.keyId ?? BANK_KEY.keyId,
    secret: opts.secret ?? BANK_KEY.secret,
    method,
    pathWithQuery,
    body: opts.signedBody ?? text,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  return SELF.fetch(`${ORIGIN}${pathWithQuery}`, {
    method,
    headers: { ...opts.headers, ...headers, ...(text ? { 'content-type': 'application/json' } : {}) },
    ...(text ? { body: text } : {}),
  });
}

/** Enrols a node through the admin API, as the platform team does before the node is started. */
export function enrolNode(nodeId: string, url = fakeNodeUrl(nodeId), publicKey = TEST_NODE_PUBLIC_KEY, region?: string): Promise<Response> {
  return signedFetch('POST', '/v1/admin/nodes', { nodeId, publicKey, url, ...(region ? { region } : {}) }, ADMIN_KEY);
}

/**
 * A signed request from a test node. The node is enrolled first when it is not, and a well-formed
 * registration enrols it at the URL and region it registers with, so tests read as the node's own
 * traffic. Tests of enrolment itself sign with signedFetch.
 */
export async function nodeFetch(nodeId: string, path: string, body: unknown): Promise<Response> {
  const registration = path === '/v1/nodes/register' ? NodeRegistration.safeParse(body) : null;
  if (registration?.success && registration.data.nodeId === nodeId) {
    await enrolNode(nodeId, registration.data.url, TEST_NODE_PUBLIC_KEY, registration.data.region);
  } else {
    const enrolled = await registryStub(env).enrolment(nodeId);
    if (!enrolled.ok && enrolled.code === 'node_not_enrolled') await enrolNode(nodeId);
  }
  return signedFetch('POST', path, body, await nodeSigning(nodeId));
}

/**
 * Node URLs point at a closed loopback port: the fake node (a fetch stub) answers them, and should
 * anything slip past the stub it fails fast on loopback instead of leaving the machine.
 */
export function fakeNodeUrl(nodeId: string): string {
  return `http://127.0.0.1:9/?node=${nodeId}`;
}

export async function registerNode(nodeId: string, url = fakeNodeUrl(nodeId), capacity = 10): Promise<void> {
  const res = await nodeFetch(nodeId, '/v1/nodes/register', { nodeId, url, capacity, version: 'test' });
  expect(res.status).toBe(200);
}

export async function createSession(body: Record<string, unknown> = {}): Promise<CreateSessionResponse> {
  const res = await signedFetch('POST', '/v1/sessions', { externalRef: 'case-1', customerName: 'Kim Minji', ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as CreateSessionResponse;
}

/** The session's audit trail as the bank reads it (signed API). */
export async function auditTrail(sessionId: string): Promise<AuditTrail> {
  return AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
}

export function tokenOf(joinUrl: string): string {
  const token = new URL(joinUrl).hash.replace(/^#token=/, '');
  expect(token).not.toBe('');
  return token;
}

export function openSocket(sessionId: string, token: string | null, protocols = ['vident.v1']): Promise<Response> {
  const offered = token === null ? protocols : [...protocols, `vident-token.${token}`];
  return SELF.fetch(`${ORIGIN}/v1/sessions/${sessionId}/ws`, {
    headers: { upgrade: 'websocket', 'sec-websocket-protocol': offered.join(', ') },
  });
}

/** A test-side participant: collects every server message and waits for the ones it needs. */
export class Participant {
  private static open = new Set<Participant>();
  readonly received: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.received.push(JSON.parse(e.data as string) as ServerMessage);
      this.wake();
    });
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
    ws.accept();
    Participant.open.add(this);
  }

  /**
   * Closes every socket a test left open, so a failed test cannot hang the run, and waits for the
   * closes to be answered: the Durable Object then logs the departures while this test file is
   * still running, not after its worker was torn down (a late console line fails the whole run).
   */
  static async closeAll(): Promise<void> {
    const closing = [...Participant.open].filter((p) => !p.closed);
    Participant.open.clear();
    for (const p of closing) {
      try {
        p.ws.close(1000, 'test over');
      } catch {
        // Already closing.
      }
    }
    await Promise.all(closing.map((p) => p.waitClosed(2000).catch(() => undefined)));
    if (closing.length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  static async join(sessionId: string, joinUrl: string): Promise<Participant> {
    const res = await openSocket(sessionId, tokenOf(joinUrl));
    expect(res.status).toBe(101);
    expect(res.headers.get('sec-websocket-protocol')).toBe('vident.v1');
    return new Participant(res.webSocket!);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for the next not-yet-consumed message of a type. */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 3000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type);
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<ServerMessage, { type: T }>;
      if (Date.now() > deadline) {
        // The errors in full (code and message): what went wrong, not just that something did.
        const got = this.received.map((m) => (m.type === 'error' ? `error ${m.code}: ${m.message}` : m.type));
        throw new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(got)}`);
      }
      await this.tick(deadline);
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await this.tick(deadline);
    }
    return this.closed;
  }

  /** Messages of a type seen so far (not consumed). */
  count(type: ServerMessage['type']): number {
    return this.received.filter((m) => m.type === type).length;
  }

  close(): void {
    this.ws.close(1000, 'bye');
  }

  private tick(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, Math.min(50, deadline - Date.now())));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Polls until `check` passes (for effects that land after a socket event). */
/**
 * The VerificationSession Durable Object of a session, for runInDurableObject / runDurableObjectAlarm.
 * Typed with the class (the binding carries only its RPC interface) because the tests reach inside.
 */
export function sessionStub(sessionId: string): DurableObjectStub<VerificationSession> {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sessionId)) as unknown as DurableObjectStub<VerificationSession>;
}

export async function eventually(check: () => void | Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Empties the node registry and the session directory (not the session objects). Used instead of
 * reset(): wiping all storage under live hibernated sockets hangs workerd's shutdown.
 */
export async function clearIndexes(): Promise<void> {
  await runInDurableObject(env.NODES.get(env.NODES.idFromName('global')), (_, state) => {
    state.storage.sql.exec('DELETE FROM nodes');
    state.storage.sql.exec('DELETE FROM assignments');
    state.storage.sql.exec('DELETE FROM enrolments');
  });
  await runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) => {
    state.storage.sql.exec('DELETE FROM sessions');
    state.storage.sql.exec('DELETE FROM recording_artifacts');
    state.storage.sql.exec('DELETE FROM uploads');
  });
}

/**
 * Moves a session's stored deadlines (e.g. expiresAt into the past) inside its Durable Object, so
 * runDurableObjectAlarm can show what happens when they pass: no sleeping, no fake clocks.
 */
export async function moveDeadlines(sessionId: string, patch: (record: SessionRecord) => void): Promise<void> {
  await runInDurableObject(sessionStub(sessionId), async (instance, state) => {
    const conduct = instance['core'].conduct;
    if (!conduct) throw new Error('no such session');
    patch(conduct.record);
    state.storage.sql.exec('UPDATE session SET data = ? WHERE id = 1', JSON.stringify(conduct.record));
  });
}

/** Every checklist item the test configuration (wrangler.toml) has: what an approval must tick. */
export function fullChecklist(): string[] {
  return loadConfig(env).checklist.map((item) => item.id);
}

/**
 * The customer accepts the recording consent (a recorded session refuses their publish before),
 * and waits until the session has it. Not just sent: the Durable Object sometimes gets two frames
 * that the test's in-runtime socket sent back to back in the opposite order (seen: 3 to 5 publishes
 * of 60 sent right after the consent arrived first and were refused). Over a real TCP WebSocket
 * to wrangler dev, as browsers connect, the same 60 pairs all arrived in order.
 */
export async function giveConsent(customer: Participant, sessionId: string): Promise<void> {
  customer.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
  await eventually(async () => {
    expect(await runInDurableObject(sessionStub(sessionId), (instance) => instance['core'].conduct!.record.consent)).not.toBeNull();
  });
}

/**
 * Reaches in_call the way the browsers and the node would: the customer consents when the session
 * is recorded, both publish, both publishers up.
 */
export async function startCall(s: CreateSessionResponse): Promise<{ customer: Participant; agent: Participant }> {
  const customer = await Participant.join(s.sessionId, s.customerUrl);
  const agent = await Participant.join(s.sessionId, s.agentUrl);
  if ((await customer.next('welcome')).session.consent === 'pending') await giveConsent(customer, s.sessionId);
  await agent.next('welcome');
  for (const p of [customer, agent]) {
    p.send({ type: 'publish', sdp: 'v=0 offer', audio: true, video: true });
    await p.next('published');
  }
  const nodeId = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.nodeId);
  for (const participant of ['customer', 'agent'] as const) {
    const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/events`, { type: 'media', sessionId: s.sessionId, participant, leg: 'publisher', event: 'webrtcup' });
    expect(res.status).toBe(200);
  }
  for (const p of [customer, agent]) expect((await p.next('session-state')).state).toBe('in_call');
  return { customer, agent };
}
