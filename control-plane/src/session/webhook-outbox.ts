import { signWebhook, type WebhookEvent } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { AuditInput } from './audit-input.ts';

/*
 * A session's webhooks wait in a durable outbox in its Durable Object's SQLite. Events are appended
 * in the same synchronous step that persists the state change they report, and delivered strictly
 * in order: the oldest undelivered event blocks the later ones until it is delivered or given up.
 * Delivery is at-least-once (a crash after the POST but before marking it repeats it); the stable
 * webhook-id lets the bank deduplicate.
 */

/** First retry after this; each further one waits twice as long... */
export const WEBHOOK_FIRST_RETRY_MS = 5_000;
/** ...up to this. */
export const WEBHOOK_MAX_RETRY_MS = 60 * 60_000;
/** An event still undelivered this long after it happened is marked failed and skipped. */
export const WEBHOOK_GIVE_UP_MS = 24 * 60 * 60_000;
/** One POST may take this long. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Wait before retry number `failures` (1 = after the first failed attempt): 5 s, 10 s, 20 s ... 1 h. */
export function retryDelayMs(failures: number): number {
  const n = Math.max(1, Math.floor(failures));
  return Math.min(WEBHOOK_MAX_RETRY_MS, WEBHOOK_FIRST_RETRY_MS * 2 ** Math.min(n - 1, 30));
}

/**
 * After a failed attempt at `now`: when to try again, or 'give-up' once the event is 24 h old. The
 * last retry is pulled in to the 24 h mark, so an event is always tried once more at the very end.
 */
export function afterFailure(createdAt: number, failures: number, now: number): { retryAt: number } | 'give-up' {
  const giveUpAt = createdAt + WEBHOOK_GIVE_UP_MS;
  if (now >= giveUpAt) return 'give-up';
  return { retryAt: Math.min(now + retryDelayMs(failures), giveUpAt) };
}

/** One stored event waiting for delivery. */
export interface PendingWebhook {
  seq: number;
  id: string;
  body: string;
  createdAt: number;
  attempts: number;
  nextAt: number;
}

export type WebhookStatus = 'pending' | 'delivered' | 'failed';

type Row = {
  seq: number;
  id: string;
  body: string;
  created_at: number;
  attempts: number;
  next_at: number;
};

/** The outbox table of one session. All methods are synchronous SQLite statements. */
export class WebhookOutbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS webhook_outbox (
      seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL,
      created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', last_error TEXT)`);
  }

  /** Appends an event, due at once. Its id is `evt_<sessionId>_<seq>`, the same on every retry. */
  append(event: WebhookEvent, now: number): string {
    const last = this.sql.exec<{ seq: number }>('SELECT seq FROM webhook_outbox ORDER BY seq DESC LIMIT 1').toArray()[0];
    const seq = (last?.seq ?? 0) + 1;
    const id = `evt_${event.data.sessionId}_${seq}`;
    this.sql.exec(
      'INSERT INTO webhook_outbox (seq, id, type, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)',
      seq,
      id,
      event.type,
      JSON.stringify(event),
      now,
      now,
    );
    return id;
  }

  /** The oldest undelivered event: the only one that may be sent now. */
  head(): PendingWebhook | null {
    const row = this.sql
      .exec<Row>("SELECT seq, id, body, created_at, attempts, next_at FROM webhook_outbox WHERE status = 'pending' ORDER BY seq LIMIT 1")
      .toArray()[0];
    return row ? { seq: row.seq, id: row.id, body: row.body, createdAt: row.created_at, attempts: row.attempts, nextAt: row.next_at } : null;
  }

  /** When the next attempt is due (a deadline behind the session's alarm), or null when all are done. */
  nextDueAt(): number | null {
    return this.head()?.nextAt ?? null;
  }

  delivered(seq: number): void {
    this.sql.exec("UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, last_error = NULL WHERE seq = ?", seq);
  }

  retry(seq: number, at: number, error: string): void {
    this.sql.exec('UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?', at, error.slice(0, 256), seq);
  }

  failed(seq: number, error: string): void {
    this.sql.exec("UPDATE webhook_outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE seq = ?", error.slice(0, 256), seq);
  }
}

export type DeliveryResult = { ok: true } | { ok: false; error: string };

/** One signed POST of a stored event. Never throws: every failure is a result to retry on. */
export async function deliverWebhook(
  target: { url: string; secret: string },
  event: Pick<PendingWebhook, 'id' | 'body'>,
  now: number,
): Promise<DeliveryResult> {
  try {
    const headers = await signWebhook({ secret: target.secret, id: event.id, timestamp: Math.floor(now / 1000), body: event.body });
    const res = await fetch(target.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'vident-webhooks/1' },
      body: event.body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      redirect: 'manual',
    });
    // The bank's answer body is not needed; dropping it frees the connection.
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : 'delivery failed' };
  }
}

/**
 * Sends due webhooks oldest first. A failure stops the round (a later event waits for an earlier
 * one) and schedules the retry; an event undelivered 24 h after it happened is given up (audited)
 * so the next one can go.
 */
export async function deliverDue(
  outbox: WebhookOutbox,
  target: { url: string; secret: string },
  session: { sessionId: string; audit: (entry: AuditInput) => Promise<void> },
): Promise<void> {
  for (;;) {
    const event = outbox.head();
    const now = Date.now();
    if (!event || event.nextAt > now) return;
    const result = await deliverWebhook(target, event, now);
    if (result.ok) {
      outbox.delivered(event.seq);
      continue;
    }
    const next = afterFailure(event.createdAt, event.attempts + 1, Date.now());
    log('webhook_delivery_failed', { sessionId: session.sessionId, webhookId: event.id, attempts: event.attempts + 1, error: result.error });
    if (next !== 'give-up') {
      outbox.retry(event.seq, next.retryAt, result.error);
      return;
    }
    outbox.failed(event.seq, result.error);
    await session.audit({
      actor: 'system',
      action: 'webhook.failed',
      detail: { webhookId: event.id, attempts: event.attempts + 1, error: result.error },
    });
  }
}
