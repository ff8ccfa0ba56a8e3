import { describe, expect, it } from 'vitest';
import { deskSignal } from './desk-link.ts';
import { recordWith as record } from '../../test/record-fixture.ts';

describe('what a session tells the desk', () => {
  it('nothing before the customer came, then waiting, left, waiting again', () => {
    expect(deskSignal(record())).toEqual({ kind: 'idle' });
    const waiting = record((r) => {
      r.state = 'waiting';
      r.participants.customer.connectionId = 'c1';
      r.participants.customer.joinedAt = '1970-01-01T00:00:01.000Z';
    });
    expect(deskSignal(waiting)).toEqual({ kind: 'waiting' });
    waiting.participants.customer.connectionId = null;
    expect(deskSignal(waiting)).toEqual({ kind: 'customer_left' });
  });

  it('the wait is over for good once an agent joined, even if the agent drops', () => {
    const r = record((r) => {
      r.state = 'waiting';
      r.participants.customer.connectionId = 'c1';
      r.participants.customer.joinedAt = '1970-01-01T00:00:01.000Z';
      r.participants.agent.joinedAt = '1970-01-01T00:00:02.000Z';
    });
    expect(deskSignal(r)).toEqual({ kind: 'agent_joined' });
  });

  it('an ended session carries its call time', () => {
    const r = record((r) => {
      r.state = 'cancelled';
      r.outcome = { state: 'cancelled', by: 'customer' };
      r.startedAt = '1970-01-01T00:00:10.000Z';
      r.endedAt = '1970-01-01T00:02:10.000Z';
    });
    expect(deskSignal(r)).toEqual({ kind: 'ended', callMs: 120_000 });
  });
});
