import { endReasonOf, toWebhookOutcome, type WebhookData, type WebhookEvent, type WebhookEventType } from '@vident/protocol';
import type { SessionRecord } from './session-record.ts';

const STATE_EVENTS: Record<SessionRecord['state'], WebhookEventType> = {
  created: 'session.created',
  waiting: 'session.waiting',
  in_call: 'session.started',
  decided: 'session.decided',
  cancelled: 'session.cancelled',
  expired: 'session.expired',
  abandoned: 'session.abandoned',
  failed: 'session.failed',
};

/** The event announcing that a session entered `state`. */
export function stateEvent(state: SessionRecord['state']): WebhookEventType {
  return STATE_EVENTS[state];
}

/** The bank's event for the record as it is now: never the decision note, never a secret. */
export function webhookEvent(
  r: SessionRecord,
  type: WebhookEventType,
  now: number,
  extra: Partial<Pick<WebhookData, 'recording' | 'evidence'>> = {},
): WebhookEvent {
  return {
    type,
    timestamp: new Date(now).toISOString(),
    data: {
      sessionId: r.sessionId,
      externalRef: r.externalRef,
      state: r.state,
      ...(r.outcome ? { outcome: toWebhookOutcome(r.outcome), endReason: endReasonOf(r.outcome) } : {}),
      ...extra,
    },
  };
}
