import { describe, expect, it } from 'vitest';
import { agentAdmission } from './agent-assignment.ts';
import type { SessionRecord } from './session-record.ts';
import { recordWith as record } from '../../test/record-fixture.ts';

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
