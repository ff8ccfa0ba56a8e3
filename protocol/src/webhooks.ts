import * as z from 'zod/mini';
import { DecidingAgent, Decision, EndReason, ReasonCode, SessionId, SessionOutcome, SessionState, Timestamp } from './common.ts';
import { RecordingView } from './bank-api.ts';

/*
 * Webhooks from the control plane to the bank, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com):
 *
 *   webhook-id        stable per event (retries repeat it; the bank deduplicates on it)
 *   webhook-timestamp Unix seconds of the attempt
 *   webhook-signature "v1," base64(HMAC-SHA256(secretBytes, `${id}.${timestamp}.${body}`))
 *
 * where secretBytes is the base64 decoding of the part of `whsec_<base64>` after the prefix.
 * Pure WebCrypto: runs in Workers, Node 20 and browsers alike.
 */

export const WebhookEventType = z.enum([
  'session.created',
  'session.waiting',
  'session.started',
  'session.decided',
  'session.cancelled',
  'session.expired',
  'session.abandoned',
  'session.failed',
  'recording.ready',
  /** The session's evidence pack can be fetched (GET /v1/sessions/:id/evidence); sent once. */
  'evidence.ready',
  /** Every artifact of the session was deleted (by the bank, or by the retention period). */
  'evidence.deleted',
  /** The agent confirmed the ID document: fetch it with GET /v1/sessions/:id/document (never in the body). */
  'document.confirmed',
  /** The session made its one-time code: fetch it with GET /v1/sessions/:id/one-time-code (never in the body). */
  'session.code_issued',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/**
 * How a session ended, as a webhook tells it: the bank's outcome without the agent's free-text
 * note (a webhook may be logged by proxies on the way; the note is fetched with GET /v1/sessions/:id).
 */
export const WebhookOutcome = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('decided'),
    decision: Decision,
    reasonCodes: z.array(ReasonCode),
    decidedBy: z.literal('agent'),
    /** The desk agent who decided (id and display name); absent when the bank's own agent link was used. */
    agent: z.optional(DecidingAgent),
    /** The identification was aborted for a procedure reason (the reason code says which). */
    aborted: z.optional(z.literal(true)),
  }),
  ...SessionOutcome.def.options.slice(1),
]);
export type WebhookOutcome = z.infer<typeof WebhookOutcome>;

/** Drops what a webhook must never carry (the decision note) from an outcome. */
export function toWebhookOutcome(outcome: SessionOutcome): WebhookOutcome {
  if (outcome.state !== 'decided') return outcome;
  return {
    state: 'decided',
    decision: outcome.decision,
    reasonCodes: outcome.reasonCodes,
    decidedBy: outcome.decidedBy,
    ...(outcome.agent ? { agent: outcome.agent } : {}),
    ...(outcome.aborted ? { aborted: true as const } : {}),
  };
}

export const WebhookData = z.object({
  sessionId: SessionId,
  externalRef: z.string(),
  state: SessionState,
  outcome: z.optional(WebhookOutcome),
  endReason: z.optional(EndReason),
  /** The recording artifact that was stored (recording.ready only). */
  recording: z.optional(RecordingView),
  /** evidence.ready / evidence.deleted: how many artifacts, and who deleted them. */
  evidence: z.optional(z.object({ artifacts: z.int().check(z.nonnegative()), reason: z.optional(z.enum(['bank', 'retention'])) })),
});
export type WebhookData = z.infer<typeof WebhookData>;

/** The JSON body of every webhook. `timestamp` is when the event happened, not when it was sent. */
export const WebhookEvent = z.object({
  type: WebhookEventType,
  timestamp: Timestamp,
  data: WebhookData,
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WEBHOOK_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** Default tolerance of verifyWebhook for the webhook-timestamp, as Standard Webhooks suggests. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const encoder = new TextEncoder();

function base64Encode(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function base64Decode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The key bytes of a `whsec_<base64>` secret, or null when it is not one (or shorter than 16 bytes). */
export function parseWebhookSecret(secret: string): Uint8Array<ArrayBuffer> | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const bytes = base64Decode(secret.slice(SECRET_PREFIX.length));
  return bytes && bytes.length >= 16 ? bytes : null;
}

async function signatureOf(key: Uint8Array<ArrayBuffer>, id: string, timestamp: number, body: string): Promise<string> {
  const hmac = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', hmac, encoder.encode(`${id}.${timestamp}.${body}`));
  return base64Encode(new Uint8Array(mac));
}

export interface SignWebhookInput {
  /** `whsec_<base64>`. */
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
}

/** The three Standard Webhooks headers for one delivery attempt. Throws on a malformed secret. */
export async function signWebhook(input: SignWebhookInput): Promise<Record<string, string>> {
  const key = parseWebhookSecret(input.secret);
  if (!key) throw new Error('webhook secret must be whsec_<base64 of at least 16 bytes>');
  return {
    [WEBHOOK_HEADERS.id]: input.id,
    [WEBHOOK_HEADERS.timestamp]: String(input.timestamp),
    [WEBHOOK_HEADERS.signature]: `v1,${await signatureOf(key, input.id, input.timestamp, input.body)}`,
  };
}

export interface VerifyWebhookInput {
  secret: string;
  header: (name: string) => string | null | undefined;
  body: string;
  /** Unix seconds; defaults to the clock. */
  now?: number;
  toleranceSeconds?: number;
}

export type VerifyWebhookResult =
  | { ok: true; id: string; event: WebhookEvent }
  | { ok: false; reason: 'bad_secret' | 'missing_headers' | 'stale_timestamp' | 'bad_signature' | 'bad_body' };

/** Whether two strings are equal, in time that depends only on their length (signatures, code hashes). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * What a bank runs on receipt: checks the timestamp window and any of the space-separated `v1,`
 * signatures (Standard Webhooks allows several during secret rotation), then parses the body.
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<VerifyWebhookResult> {
  const key = parseWebhookSecret(input.secret);
  if (!key) return { ok: false, reason: 'bad_secret' };
  const id = input.header(WEBHOOK_HEADERS.id);
  const ts = input.header(WEBHOOK_HEADERS.timestamp);
  const signatures = input.header(WEBHOOK_HEADERS.signature);
  if (!id || !ts || !signatures || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'missing_headers' };
  const timestamp = Number(ts);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale_timestamp' };
  const expected = `v1,${await signatureOf(key, id, timestamp, input.body)}`;
  if (!signatures.split(' ').some((s) => constantTimeEqual(s, expected))) return { ok: false, reason: 'bad_signature' };
  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch {
    return { ok: false, reason: 'bad_body' };
  }
  const event = WebhookEvent.safeParse(json);
  return event.success ? { ok: true, id, event: event.data } : { ok: false, reason: 'bad_body' };
}
