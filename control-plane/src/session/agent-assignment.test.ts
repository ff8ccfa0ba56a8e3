import { describe, expect, it } from 'vitest';
import { agentAdmission } from './agent-assignment.ts';
import { newSessionRecord, type SessionRecord } from './session-record.ts';

function record(patch: (r: SessionRecord) => void = () => undefined): SessionRecord {
  const r = newSessionRecord({
    sessionId: '3f1c2a4e-8b7d-4c1e-9f0a-123456789abc',
    request: { externalRef: 'case-1', customerName: 'Kim', locale: 'ko', record: false, metadata: {} },
    nodeId: 'node-a',
    nodeUrl: 'http://127.0.0.1:9',
    createdAt: 0,
    expiresAt: 1_800_000,
    linkExpiresAt: 900_000,
    reconnectGraceMs: 60_000,
  });
  patch(r);
  return r;
}

const ASSIGNED_AT = '1970-01-01T00:00:01.000Z';
const mine = { agentId: 'agent.one', assignmentId: 'a1b2c3d4-0000-4000-8000-000000000001' };
const assigned = (r: SessionRecord) => {
  r.agent = { id: 'agent.one', name: 'One', assignmentId: mine.assignmentId };
  r.deskAssignedAt = ASSIGNED_AT;
};

describe('which agent link a session admits', () => {
  it("admits the bank's own agent link only while the desk never gave the session to an agent", () => {
    expect(agentAdmission(record(), null)).toEqual({ ok: true });
    expect(agentAdmission(record(assigned), null)).toMatchObject({ ok: false, code: 'token_revoked' });
    // Released again after a no-show: the desk still owns the session.
    expect(agentAdmission(record((r) => (r.deskAssignedAt = ASSIGNED_AT)), null)).toMatchObject({ ok: false, code: 'token_revoked' });
  });

  it('admits a desk link only for its own, current assignment', () => {
    expect(agentAdmission(record(assigned), mine)).toEqual({ ok: true });
    expect(agentAdmission(record(assigned), { ...mine, agentId: 'agent.two' })).toMatchObject({ ok: false, code: 'token_revoked' });
    // The same agent's link of an earlier assignment (released, then taken again).
    expect(agentAdmission(record(assigned), { ...mine, assignmentId: 'a1b2c3d4-0000-4000-8000-000000000002' })).toMatchObject({ ok: false, code: 'token_revoked' });
    // Released: nobody's desk link admits.
    expect(agentAdmission(record((r) => (r.deskAssignedAt = ASSIGNED_AT)), mine)).toMatchObject({ ok: false, code: 'token_revoked' });
    expect(agentAdmission(record(), mine)).toMatchObject({ ok: false, code: 'token_revoked' });
  });

  it("refuses the assigned agent's own link once the bank revoked it", () => {
    const revoked = record((r) => {
      assigned(r);
      r.agent!.revokedAt = ASSIGNED_AT;
    });
    expect(agentAdmission(revoked, mine)).toMatchObject({ ok: false, code: 'token_revoked' });
    expect(agentAdmission(revoked, null)).toMatchObject({ ok: false, code: 'token_revoked' });
  });

  it('keeps a session assigned before agent-bound links working with the link its agent holds', () => {
    const legacy = record((r) => (r.agent = { id: 'agent.one', name: 'One' }));
    expect(agentAdmission(legacy, null)).toEqual({ ok: true });
  });
});
