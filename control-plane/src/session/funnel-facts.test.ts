import { RECORDING_CONSENT_VERSION, type SessionOutcome } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { funnelFactsOf, NO_MARKS, type PrecheckMarks } from './funnel-facts.ts';
import { newSessionRecord, type SessionRecord } from './session-record.ts';

const T0 = Date.parse('2026-12-01T23:50:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function record(patch: (r: SessionRecord) => void = () => {}, recorded = true): SessionRecord {
  const r = newSessionRecord({
    sessionId: '2f1c7f9e-6b7a-4c1e-9a55-3d0c4b1f0a11',
    request: { externalRef: 'ref-1', customerName: '김민지', locale: 'ko', record: recorded, metadata: {} },
    nodeId: 'node-a',
    nodeUrl: 'http://node-a',
    createdAt: T0,
    expiresAt: T0 + 30 * 60_000,
    linkExpiresAt: T0 + 15 * 60_000,
    reconnectGraceMs: 30_000,
  });
  patch(r);
  return r;
}

const end = (outcome: SessionOutcome, minutes = 20) => (r: SessionRecord) => {
  r.state = outcome.state;
  r.outcome = outcome;
  r.endedAt = at(minutes);
};
const joined = (r: SessionRecord) => {
  r.participants.customer.joinedAt = at(2);
};
const consented = (r: SessionRecord) => {
  joined(r);
  r.consent = { version: RECORDING_CONSENT_VERSION, at: at(3) };
};
const called = (r: SessionRecord) => {
  consented(r);
  r.startedAt = at(5);
};
const marks = (m: Partial<PrecheckMarks>): PrecheckMarks => ({ ...NO_MARKS, ...m });

describe('funnel facts of an ended session', () => {
  it('a link nobody opened: created, expired, on its UTC creation day, no desk agent', () => {
    const f = funnelFactsOf(record(end({ state: 'expired', cause: 'link_expired' })));
    expect(f).toEqual({
      sessionId: '2f1c7f9e-6b7a-4c1e-9a55-3d0c4b1f0a11',
      day: '2026-12-01',
      agentId: null,
      lastStep: 'created',
      stopReason: 'expired',
      waitMs: null,
      callMs: null,
      decision: null,
      reasonCodes: [],
    });
    expect(JSON.stringify(f)).not.toContain('김민지');
    expect(JSON.stringify(f)).not.toContain('ref-1');
  });

  it('stuck in the pre-call check: what the page saw is the reason, whatever ended it', () => {
    const expired = end({ state: 'expired', cause: 'link_expired' });
    expect(funnelFactsOf(record(expired), marks({ linkOpened: true }))).toMatchObject({ lastStep: 'link_opened', stopReason: 'expired' });
    expect(funnelFactsOf(record(expired), marks({ linkOpened: true, permissionRefused: true }))).toMatchObject({ lastStep: 'link_opened', stopReason: 'permission_refused' });
    expect(funnelFactsOf(record(expired), marks({ lastNetworkCheck: 'fail' }))).toMatchObject({ lastStep: 'link_opened', stopReason: 'network_check_failed' });
    expect(funnelFactsOf(record(expired), marks({ lastNetworkCheck: 'pass' }))).toMatchObject({ lastStep: 'link_opened', stopReason: 'expired' });
    expect(funnelFactsOf(record(end({ state: 'cancelled', by: 'bank' })), marks({ permissionRefused: true }))).toMatchObject({ stopReason: 'permission_refused' });
  });

  it('joined: consent declined, abandoned before consent, left the queue (button or closed tab)', () => {
    const declined = record((r) => (joined(r), end({ state: 'cancelled', by: 'customer' })(r)));
    expect(funnelFactsOf(declined)).toMatchObject({ lastStep: 'precheck_passed', stopReason: 'consent_declined' });
    const gone = record((r) => (joined(r), end({ state: 'abandoned', participant: 'customer' })(r)));
    expect(funnelFactsOf(gone)).toMatchObject({ lastStep: 'precheck_passed', stopReason: 'abandoned' });
    const left = record((r) => (consented(r), end({ state: 'cancelled', by: 'customer' })(r)));
    expect(funnelFactsOf(left)).toMatchObject({ lastStep: 'queued', stopReason: 'left_queue', waitMs: null });
    const closed = record((r) => (consented(r), end({ state: 'abandoned', participant: 'customer' })(r)));
    expect(funnelFactsOf(closed)).toMatchObject({ lastStep: 'queued', stopReason: 'left_queue' });
    // Not recorded: no consent step, a joined customer is queued at once.
    const unrecorded = record((r) => (joined(r), end({ state: 'cancelled', by: 'customer' })(r)), false);
    expect(funnelFactsOf(unrecorded)).toMatchObject({ lastStep: 'queued', stopReason: 'left_queue' });
  });

  it('in call: abandoned, cancelled by the agent or the bank, expired, failed; wait and call times', () => {
    const abandoned = funnelFactsOf(record((r) => (called(r), end({ state: 'abandoned', participant: 'agent' }, 12)(r))));
    expect(abandoned).toMatchObject({ lastStep: 'in_call', stopReason: 'abandoned', waitMs: 2 * 60_000, callMs: 7 * 60_000 });
    expect(funnelFactsOf(record((r) => (called(r), end({ state: 'cancelled', by: 'customer' })(r))))).toMatchObject({ stopReason: 'abandoned' });
    expect(funnelFactsOf(record((r) => (called(r), end({ state: 'cancelled', by: 'agent' })(r))))).toMatchObject({ stopReason: 'cancelled_by_agent' });
    expect(funnelFactsOf(record((r) => (called(r), end({ state: 'cancelled', by: 'bank' })(r))))).toMatchObject({ stopReason: 'cancelled_by_bank' });
    expect(funnelFactsOf(record((r) => (called(r), end({ state: 'expired', cause: 'max_duration' })(r))))).toMatchObject({ stopReason: 'expired' });
    expect(funnelFactsOf(record((r) => (called(r), end({ state: 'failed', cause: 'recording failed' })(r))))).toMatchObject({ stopReason: 'failed' });
  });

  it('decided: the decision, its reason codes and the desk agent id, never its name or note', () => {
    const f = funnelFactsOf(
      record((r) => {
        called(r);
        r.agent = { id: 'agent-7', name: '박상담' };
        end({ state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: '사진 불일치', decidedBy: 'agent', agent: { id: 'agent-7', name: '박상담' } }, 9)(r);
      }),
    );
    expect(f).toMatchObject({ agentId: 'agent-7', lastStep: 'decided', stopReason: null, decision: 'rejected', reasonCodes: ['ID_MISMATCH'], waitMs: 120_000, callMs: 240_000 });
    expect(JSON.stringify(f)).not.toMatch(/박상담|사진/);
  });
});
