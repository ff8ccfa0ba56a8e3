import type { SessionOutcome } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { newSessionRecord, type SessionRecord } from './session-record.ts';
import { deadlines, dueEvents, nextAlarm, retainUntil, retentionAt, withWebhookDeadline } from './session-timers.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MIN = 60_000;

function record(patch: (r: SessionRecord) => void = () => undefined): SessionRecord {
  const r = newSessionRecord({
    sessionId: '6f1c2a3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f',
    request: { externalRef: 'x', customerName: 'y', locale: 'ko', record: true, metadata: {} },
    nodeId: 'n',
    nodeUrl: 'http://127.0.0.1:9/',
    createdAt: T0,
    expiresAt: T0 + 30 * MIN,
    linkExpiresAt: T0 + 15 * MIN,
    reconnectGraceMs: 60_000,
  });
  patch(r);
  return r;
}

describe('session timers', () => {
  it('a new session waits for the link expiry first, then the maximum', () => {
    const r = record();
    expect(nextAlarm(r)).toBe(T0 + 15 * MIN);
    expect(deadlines(r).map((d) => d.event.type)).toEqual(['link-expired', 'max-duration']);
    expect(dueEvents(r, T0 + 15 * MIN - 1)).toEqual([]);
    expect(dueEvents(r, T0 + 15 * MIN)).toEqual([{ type: 'link-expired' }]);
    // A very late alarm sees both, earliest first.
    expect(dueEvents(r, T0 + 31 * MIN)).toEqual([{ type: 'link-expired' }, { type: 'max-duration' }]);
  });

  it('once the customer is in, the link expiry no longer counts', () => {
    const r = record((x) => (x.state = 'waiting'));
    expect(nextAlarm(r)).toBe(T0 + 30 * MIN);
    expect(dueEvents(r, T0 + 20 * MIN)).toEqual([]);
  });

  it('a reconnect grace comes before the maximum and is listed per participant', () => {
    const r = record((x) => {
      x.state = 'in_call';
      x.participants.agent.graceEndsAt = T0 + 5 * MIN;
      x.participants.customer.graceEndsAt = T0 + 4 * MIN;
    });
    expect(nextAlarm(r)).toBe(T0 + 4 * MIN);
    expect(dueEvents(r, T0 + 5 * MIN)).toEqual([
      { type: 'grace-over', participant: 'customer' },
      { type: 'grace-over', participant: 'agent' },
    ]);
  });

  it('a terminal session has no timers at all', () => {
    for (const state of ['decided', 'cancelled', 'expired', 'abandoned', 'failed'] as const) {
      const r = record((x) => {
        x.state = state;
        x.participants.customer.graceEndsAt = T0;
      });
      expect(nextAlarm(r)).toBeNull();
      expect(dueEvents(r, T0 + 60 * MIN)).toEqual([]);
    }
  });
});

describe('withWebhookDeadline', () => {
  it('takes the earliest of the session timers and the next webhook attempt', () => {
    expect(withWebhookDeadline(null, null)).toBeNull();
    expect(withWebhookDeadline(null, 5)).toBe(5);
    expect(withWebhookDeadline(7, null)).toBe(7);
    expect(withWebhookDeadline(7, 5)).toBe(5);
    expect(withWebhookDeadline(3, 5)).toBe(3);
  });
});

describe('evidence retention deadline', () => {
  const DAY = 86_400_000;
  const policy = { retentionMs: 1826 * DAY, unsuccessfulRetentionMs: 30 * DAY };
  const ended = new Date(T0 + 20 * MIN).toISOString();

  it('keeps approved verifications for the full period, the others for the shorter one when set', () => {
    const approved: SessionOutcome = { state: 'decided', decision: 'approved', reasonCodes: [], note: '', decidedBy: 'agent' };
    const rejected: SessionOutcome = { state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: '', decidedBy: 'agent' };
    expect(retainUntil(ended, approved, policy)).toBe(new Date(T0 + 20 * MIN + 1826 * DAY).toISOString());
    expect(retainUntil(ended, rejected, policy)).toBe(new Date(T0 + 20 * MIN + 30 * DAY).toISOString());
    expect(retainUntil(ended, { state: 'abandoned', participant: 'customer' }, policy)).toBe(new Date(T0 + 20 * MIN + 30 * DAY).toISOString());
    expect(retainUntil(ended, rejected, { ...policy, unsuccessfulRetentionMs: null })).toBe(new Date(T0 + 20 * MIN + 1826 * DAY).toISOString());
  });

  it('is the ended session’s only deadline, until its records are purged (also after the bank deleted the evidence)', () => {
    const r = record((x) => {
      x.state = 'cancelled';
      x.outcome = { state: 'cancelled', by: 'bank' };
      x.endedAt = ended;
    });
    expect(nextAlarm(r)).toBeNull(); // not fixed yet
    r.evidence.retainUntil = new Date(T0 + 30 * DAY).toISOString();
    expect(retentionAt(r)).toBe(T0 + 30 * DAY);
    expect(nextAlarm(r)).toBe(T0 + 30 * DAY);
    expect(dueEvents(r, T0 + 31 * DAY)).toEqual([]);
    r.evidence.deletedAt = new Date(T0 + DAY).toISOString();
    expect(nextAlarm(r)).toBe(T0 + 30 * DAY);
    r.evidence.purgedAt = new Date(T0 + 30 * DAY).toISOString();
    expect(nextAlarm(r)).toBeNull();
    // An active session's retention does not exist yet.
    expect(retentionAt(record((x) => (x.evidence.retainUntil = ended)))).toBeNull();
  });
});
