import { DeskServerMessage, type AgentSignInRequest, type AgentSignInResponse } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { ORIGIN, signedFetch } from './helpers.ts';

/** The AgentDesk singleton, for runInDurableObject. */
export function deskObject() {
  return env.DESK.get(env.DESK.idFromName('global'));
}

/** Empties the desk's tables (queue, agents, history); other files' sessions leave rows behind. */
export async function clearDesk(): Promise<void> {
  await runInDurableObject(deskObject(), (_, state) => {
    for (const table of ['waiting', 'agents', 'waits', 'calls']) state.storage.sql.exec(`DELETE FROM ${table}`);
  });
}

/** Signs an agent in through the bank API and returns its desk token (from the link's fragment). */
export async function signIn(body: AgentSignInRequest): Promise<{ token: string; answer: AgentSignInResponse }> {
  const res = await signedFetch('POST', '/v1/agents/sign-ins', body);
  expect(res.status).toBe(201);
  const answer = (await res.json()) as AgentSignInResponse;
  return { token: new URL(answer.consoleUrl).hash.replace(/^#token=/, ''), answer };
}

export function openDesk(token: string | null, protocols = ['vident-desk.v1']): Promise<Response> {
  const offered = token === null ? protocols : [...protocols, `vident-desk-token.${token}`];
  return SELF.fetch(`${ORIGIN}/v1/desk/socket`, { headers: { upgrade: 'websocket', 'sec-websocket-protocol': offered.join(', ') } });
}

/** A test-side agent console: collects every desk message (validated) and waits for the ones it needs. */
export class Console {
  private static open = new Set<Console>();
  readonly received: DeskServerMessage[] = [];
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.received.push(DeskServerMessage.parse(JSON.parse(e.data as string)));
    });
    ws.addEventListener('close', () => {
      this.closed = true;
    });
    ws.accept();
    Console.open.add(this);
  }

  static async connect(token: string): Promise<Console> {
    const res = await openDesk(token);
    expect(res.status).toBe(101);
    expect(res.headers.get('sec-websocket-protocol')).toBe('vident-desk.v1');
    const console = new Console(res.webSocket!);
    await console.next('desk-welcome');
    return console;
  }

  static async closeAll(): Promise<void> {
    const closing = [...Console.open].filter((c) => !c.closed);
    Console.open.clear();
    for (const c of closing) {
      try {
        c.ws.close(1000, 'test over');
      } catch {
        // Already closing.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Takes the next message of a type that satisfies `match`. */
  async next<T extends DeskServerMessage['type']>(
    type: T,
    match: (m: Extract<DeskServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<DeskServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((m) => m.type === type && match(m as Extract<DeskServerMessage, { type: T }>));
      if (index >= 0) return this.received.splice(index, 1)[0] as Extract<DeskServerMessage, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no matching ${type} within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The latest queue this console was sent. */
  lastQueue(): Extract<DeskServerMessage, { type: 'desk-queue' }> | null {
    const queues = this.received.filter((m) => m.type === 'desk-queue');
    return (queues.at(-1) as Extract<DeskServerMessage, { type: 'desk-queue' }> | undefined) ?? null;
  }
}
