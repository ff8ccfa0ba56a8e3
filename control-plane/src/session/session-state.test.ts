import { ActiveState, SessionState, TerminalState, type SessionOutcome } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { INITIAL_LIFECYCLE, transition, type Lifecycle, type LifecycleEvent } from './session-state.ts';

const outcomes: SessionOutcome[] = [
  { state: 'decided', decision: 'approved', reasonCodes: [], note: '', decidedBy: 'agent' },
  { state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'photo differs', decidedBy: 'agent' },
  { state: 'cancelled', by: 'bank' },
  { state: 'cancelled', by: 'customer' },
  { state: 'cancelled', by: 'agent' },
  { state: 'expired', cause: 'link_expired' },
  { state: 'expired', cause: 'max_duration' },
  { state: 'abandoned', participant: 'customer' },
  { state: 'failed', cause: 'media node lost' },
];

const lifecycles: Lifecycle[] = [
  ...ActiveState.options.map((state) => ({ state, outcome: null }) as const),
  ...outcomes.map((outcome) => ({ state: outcome.state, outcome }) as Lifecycle),
];

const events: LifecycleEvent[] = [
  { type: 'customer-connected' },
  { type: 'publishers-up' },
  { type: 'decide', decision: 'approved', reasonCodes: [], note: '' },
  { type: 'decide', decision: 'rejected', reasonCodes: ['SUSPECTED_FRAUD', 'POOR_QUALITY'], note: 'n' },
  { type: 'decide', decision: 'rejected', reasonCodes: [], note: 'no reason' },
  { type: 'cancel', by: 'bank' },
  { type: 'cancel', by: 'customer' },
  { type: 'cancel', by: 'agent' },
  { type: 'link-expired' },
  { type: 'max-duration' },
  { type: 'grace-over', participant: 'customer' },
  { type: 'grace-over', participant: 'agent' },
  { type: 'fail', cause: 'janus down' },
];

type Want = SessionState | null;

/** The whole table, written out: active state x event -> next state (null = invalid_transition). */
const TABLE: Record<ActiveState, (e: LifecycleEvent) => Want> = {
  created: (e) =>
    ({
      'customer-connected': 'waiting',
      'publishers-up': null,
      decide: null,
      cancel: 'cancelled',
      'link-expired': 'expired',
      'max-duration': 'expired',
      'grace-over': null,
      fail: 'failed',
    })[e.type] as Want,
  waiting: (e) =>
    ({
      'customer-connected': 'waiting',
      'publishers-up': 'in_call',
      decide: null,
      cancel: 'cancelled',
      'link-expired': null,
      'max-duration': 'expired',
      'grace-over': 'abandoned',
      fail: 'failed',
    })[e.type] as Want,
  in_call: (e) =>
    ({
      'customer-connected': 'in_call',
      'publishers-up': 'in_call',
      decide: e.type === 'decide' && e.decision === 'rejected' && e.reasonCodes.length === 0 ? null : 'decided',
      cancel: 'cancelled',
      'link-expired': null,
      'max-duration': 'expired',
      'grace-over': 'abandoned',
      fail: 'failed',
    })[e.type] as Want,
};

function expectedOutcome(event: LifecycleEvent): SessionOutcome | null {
  switch (event.type) {
    case 'decide':
      return { state: 'decided', decision: event.decision, reasonCodes: event.reasonCodes, note: event.note, decidedBy: 'agent' };
    case 'cancel':
      return { state: 'cancelled', by: event.by };
    case 'link-expired':
      return { state: 'expired', cause: 'link_expired' };
    case 'max-duration':
      return { state: 'expired', cause: 'max_duration' };
    case 'grace-over':
      return { state: 'abandoned', participant: event.participant };
    case 'fail':
      return { state: 'failed', cause: event.cause };
    default:
      return null;
  }
}

const label = (x: object) => JSON.stringify(x);

describe('session lifecycle', () => {
  it('starts in created', () => {
    expect(INITIAL_LIFECYCLE).toEqual({ state: 'created', outcome: null });
  });

  it('covers every state and every terminal state', () => {
    expect(new Set(lifecycles.map((l) => l.state))).toEqual(new Set(SessionState.options));
    expect(new Set(outcomes.map((o) => o.state))).toEqual(new Set(TerminalState.options));
  });

  for (const from of lifecycles) {
    for (const event of events) {
      it(`${label(from)} + ${label(event)}`, () => {
        const snapshot = structuredClone(from);
        const got = transition(from, event);
        expect(from).toEqual(snapshot); // never mutates its input
        const want: Want = from.outcome === null ? TABLE[from.state as ActiveState](event) : null;
        if (want === null) {
          expect(got).toMatchObject({ ok: false, code: 'invalid_transition' });
          if (!got.ok) expect(got.message).toContain(event.type);
          return;
        }
        const outcome = expectedOutcome(event);
        expect(got).toEqual({ ok: true, lifecycle: outcome ? { state: want, outcome } : { state: want, outcome: null } });
      });
    }
  }

  it('caps a failure cause at 256 characters', () => {
    const got = transition(INITIAL_LIFECYCLE, { type: 'fail', cause: 'x'.repeat(1000) });
    expect(got.ok && got.lifecycle.outcome?.state === 'failed' && got.lifecycle.outcome.cause.length).toBe(256);
  });
});
