import { AuditTrail, ErrorBody, verifyAuditChain } from '@vident/protocol';
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadRecording } from './evidence-helpers.ts';
import { BANK_KEY, createSession, installFakeNode, Participant, registerNode, signedFetch, startCall, tokenOf, type FakeNode, sessionStub, fullChecklist } from './helpers.ts';

const node: FakeNode = installFakeNode();

beforeEach(async () => {
  node.commands.length = 0;
  await registerNode('node-a');
});

afterEach(() => Participant.closeAll());


async function trail(sessionId: string): Promise<AuditTrail> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}/audit`);
  expect(res.status).toBe(200);
  return AuditTrail.parse(await res.json());
}

/** Alters stored rows the way an attacker with storage access would (the triggers dropped first). */
async function tamper(sessionId: string, ...statements: Array<[string, ...unknown[]]>): Promise<void> {
  await runInDurableObject(sessionStub(sessionId), (_, state) => {
    state.storage.sql.exec('DROP TRIGGER IF EXISTS audit_no_update');
    state.storage.sql.exec('DROP TRIGGER IF EXISTS audit_no_delete');
    for (const [sql, ...args] of statements) state.storage.sql.exec(sql, ...args);
  });
}

async function decidedSession() {
  const s = await createSession({ record: true });
  const { customer, agent } = await startCall(s);
  agent.send({ type: 'decide', decision: 'rejected', reasonCodes: ['POOR_QUALITY'], note: 'blurry document' });
  await customer.next('session-ended');
  await uploadRecording('node-a', s.sessionId, 'agent', 1);
  return s;
}

describe('audit trail', () => {
  it('records every state change, join, decision, recording and bank call, hash-chained, without secrets', async () => {
    const s = await decidedSession();
    const t = await trail(s.sessionId);
    expect(await verifyAuditChain(t.entries, t.head)).toEqual({ ok: true, head: t.head });
    expect(t.entries.map((e) => e.seq)).toEqual(t.entries.map((_, i) => i + 1));
    const actions = t.entries.map((e) => `${e.actor} ${e.action}`);
    expect(actions).toEqual([
      `bank:${BANK_KEY.keyId} session.created`,
      'customer state.changed',
      'customer participant.joined',
      'agent participant.joined',
      'customer consent.given',
      'system state.changed',
      'agent session.decided',
      'agent state.changed',
      'node:node-a artifact.stored',
      `bank:${BANK_KEY.keyId} api.audit.get`,
    ]);
    const changes = t.entries.filter((e) => e.action === 'state.changed').map((e) => [e.detail.from, e.detail.to]);
    expect(changes).toEqual([
      ['created', 'waiting'],
      ['waiting', 'in_call'],
      ['in_call', 'decided'],
    ]);
    // A rejection needs no ticks; the entry still names every configured item.
    expect(t.entries.find((e) => e.action === 'session.decided')?.detail).toEqual({
      decision: 'rejected',
      reasonCodes: ['POOR_QUALITY'],
      note: 'blurry document',
      checklist: Object.fromEntries(fullChecklist().map((id) => [id, false])),
    });
    const text = JSON.stringify(t);
    for (const secret of [BANK_KEY.secret, 'test-token-secret', 'test-node-secret', tokenOf(s.customerUrl), tokenOf(s.agentUrl)]) {
      expect(text).not.toContain(secret);
    }
    // Reading is recorded too, and the chain keeps growing from the same head.
    const again = await trail(s.sessionId);
    expect(again.entries.slice(0, t.entries.length)).toEqual(t.entries);
    expect(again.entries.at(-1)).toMatchObject({ action: 'api.audit.get', prevHash: t.head });
  });

  it('keeps the client address of bank calls and sockets when Cloudflare gives one', async () => {
    const s = await createSession();
    const res = await signedFetch('GET', `/v1/sessions/${s.sessionId}`, undefined, { headers: { 'cf-connecting-ip': '203.0.113.7' } });
    expect(res.status).toBe(200);
    const t = await trail(s.sessionId);
    expect(t.entries.find((e) => e.action === 'api.session.get')).toMatchObject({ actor: `bank:${BANK_KEY.keyId}`, from: '203.0.113.7' });
  });

  it('refuses UPDATE and DELETE on stored entries', async () => {
    const s = await createSession();
    await runInDurableObject(sessionStub(s.sessionId), (_, state) => {
      expect(() => state.storage.sql.exec("UPDATE audit SET actor = 'system'")).toThrow(/append-only/);
      expect(() => state.storage.sql.exec('DELETE FROM audit')).toThrow(/append-only/);
    });
    expect(await verifyAuditChain((await trail(s.sessionId)).entries)).toMatchObject({ ok: true });
  });

  it('detects an altered, removed or reordered stored entry', async () => {
    const cases: Array<{ name: string; statements: Array<[string, ...unknown[]]>; problem: string }> = [
      { name: 'altered detail', statements: [["UPDATE audit SET detail = '{\"decision\":\"approved\",\"reasonCodes\":[],\"note\":\"\"}' WHERE action = 'session.decided'"]], problem: 'hash' },
      { name: 'altered actor', statements: [["UPDATE audit SET actor = 'system' WHERE seq = 2"]], problem: 'hash' },
      { name: 'altered time', statements: [["UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 1"]], problem: 'hash' },
      { name: 'removed entry', statements: [['DELETE FROM audit WHERE seq = 3']], problem: 'sequence' },
      {
        name: 'reordered entries',
        statements: [['UPDATE audit SET seq = 100 WHERE seq = 3'], ['UPDATE audit SET seq = 3 WHERE seq = 4'], ['UPDATE audit SET seq = 4 WHERE seq = 100']],
        problem: 'prev_hash',
      },
    ];
    for (const c of cases) {
      const s = await decidedSession();
      const before = await trail(s.sessionId);
      expect((await verifyAuditChain(before.entries)).ok).toBe(true);
      await tamper(s.sessionId, ...c.statements);
      const after = await trail(s.sessionId);
      const check = await verifyAuditChain(after.entries);
      expect(check, c.name).toMatchObject({ ok: false, problem: c.problem });
    }
  });

  it('detects a truncated tail against the head a bank kept', async () => {
    const s = await decidedSession();
    const before = await trail(s.sessionId);
    await tamper(s.sessionId, ['DELETE FROM audit WHERE seq >= ?', before.entries.length - 1]);
    const after = await trail(s.sessionId);
    const kept = after.entries.filter((e) => e.seq < before.entries.length - 1);
    expect(await verifyAuditChain(kept, before.head)).toMatchObject({ ok: false, problem: 'head' });
  });

  it('is signed like every bank route and 404s an unknown session', async () => {
    const s = await createSession();
    const unsigned = await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`, undefined, { secret: 'wrong-secret-0123456789abcdef' });
    expect(unsigned.status).toBe(401);
    const missing = await signedFetch('GET', `/v1/sessions/${crypto.randomUUID()}/audit`);
    expect(missing.status).toBe(404);
    expect(ErrorBody.parse(await missing.json()).error.code).toBe('not_found');
  });
});
