import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionCore } from '../src/session/session-core.ts';
import type { ParticipantRecord, SessionRecord } from '../src/session/session-record.ts';
import { createSession, installFakeNode, Participant, registerNode, sessionStub, type FakeNode } from './helpers.ts';

/*
 * `media-state`, the frame a call sends over and over (issue 16): relayed without one storage
 * statement, its flags kept with the sender's hibernatable socket (participant-sockets.ts), and known
 * again to the object that wakes up over those sockets after hibernation.
 */

// Never restored: sockets closing while the run shuts down still send `leave` commands to it.
const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-a');
});

afterEach(() => Participant.closeAll());

type CountedSql = SqlStorage & { statements?: string[] };

/** Counts every SQL statement the session's object runs from now on (it shares this test's isolate). */
async function countStatements(sessionId: string): Promise<() => Promise<string[]>> {
  await runInDurableObject(sessionStub(sessionId), (_, state) => {
    const sql = state.storage.sql as CountedSql;
    const exec = sql.exec.bind(sql);
    const statements: string[] = [];
    sql.statements = statements;
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      statements.push(query);
      return exec(query, ...bindings);
    }) as SqlStorage['exec'];
  });
  return () => runInDurableObject(sessionStub(sessionId), (_, state) => [...((state.storage.sql as CountedSql).statements ?? [])]);
}

async function storedCustomer(sessionId: string): Promise<ParticipantRecord> {
  const rows = await runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.sql.exec<{ data: string }>('SELECT data FROM session').toArray());
  return (JSON.parse(rows[0]!.data) as SessionRecord).participants.customer;
}

async function inCall(): Promise<{ sessionId: string; customer: Participant; agent: Participant }> {
  const s = await createSession();
  const customer = await Participant.join(s.sessionId, s.customerUrl);
  await customer.next('welcome');
  const agent = await Participant.join(s.sessionId, s.agentUrl);
  await agent.next('welcome');
  await customer.next('peer-joined');
  return { sessionId: s.sessionId, customer, agent };
}

describe('media-state', () => {
  it('is relayed without a storage statement, however many frames', async () => {
    const { sessionId, customer, agent } = await inCall();
    const statements = await countStatements(sessionId);
    for (let i = 0; i < 20; i++) {
      customer.send({ type: 'media-state', audio: i % 2 === 1, video: true });
      expect(await agent.next('peer-media')).toEqual({ type: 'peer-media', role: 'customer', audio: i % 2 === 1, video: true });
    }
    expect(await statements()).toEqual([]);
  });

  it('keeps the flags with the socket: an object waking up over it knows them, though the stored record does not', async () => {
    const { sessionId, customer, agent } = await inCall();
    customer.send({ type: 'media-state', audio: false, video: false });
    expect(await agent.next('peer-media')).toMatchObject({ audio: false, video: false });
    expect(await storedCustomer(sessionId)).toMatchObject({ audio: true, video: true });

    // What the runtime does after hibernation: a new instance over the same storage and the same live sockets.
    const woken = await runInDurableObject(sessionStub(sessionId), async (_, state) => {
      const core = new SessionCore(state, env);
      // Its constructor loads in blockConcurrencyWhile, which runs after this call's own turn.
      await state.blockConcurrencyWhile(async () => undefined);
      return core.conduct!.record.participants.customer;
    });
    expect(woken).toMatchObject({ audio: false, video: false });

    // The next save of the record stores them (here: the agent leaves).
    agent.close();
    await customer.next('peer-left');
    expect(await storedCustomer(sessionId)).toMatchObject({ audio: false, video: false });
  });
});
