import * as z from 'zod/mini';

export const SessionId = z.uuid();
export type SessionId = z.infer<typeof SessionId>;

/** The two parties of a verification call. */
export const Role = z.enum(['customer', 'agent']);
export type Role = z.infer<typeof Role>;

/**
 * A page language: `ko` Korean (the default), `en` English, `zh` Chinese in simplified script
 * (zh-Hans; the page declares `lang="zh-Hans"`). One short code per language, as the session API
 * takes it.
 */
export const Locale = z
  .enum(['ko', 'en', 'zh'])
  .check(z.describe('Page language: ko Korean, en English, zh Chinese in simplified script (zh-Hans)'));
export type Locale = z.infer<typeof Locale>;

/**
 * A bank-configured text in each page locale (checklist items, security features). Chinese is
 * optional so configurations written before it stay valid: without it a Chinese page shows the
 * English text.
 */
export type LocalizedLabel = { ko: string; en: string; zh?: string | undefined };

/** The label's text for a page locale; a missing Chinese text falls back to English. */
export function localizedLabel(label: LocalizedLabel, locale: Locale): string {
  if (locale === 'ko') return label.ko;
  if (locale === 'zh') return label.zh ?? label.en;
  return label.en;
}

/**
 * Lifecycle of a verification session. `created`, `waiting` (the customer connected) and `in_call`
 * are active; the others are terminal and final.
 */
const ACTIVE_STATES = ['created', 'waiting', 'in_call'] as const;
const TERMINAL_STATE_NAMES = ['decided', 'cancelled', 'expired', 'abandoned', 'failed'] as const;
export const SessionState = z.enum([...ACTIVE_STATES, ...TERMINAL_STATE_NAMES]);
export type SessionState = z.infer<typeof SessionState>;

export const ActiveState = z.enum(ACTIVE_STATES);
export type ActiveState = z.infer<typeof ActiveState>;
export const TerminalState = z.enum(TERMINAL_STATE_NAMES);
export type TerminalState = z.infer<typeof TerminalState>;

const TERMINAL_STATES: ReadonlySet<string> = new Set(TerminalState.options);

/** True for decided, cancelled, expired, abandoned and failed. A set lookup: the relay asks it for every frame. */
export function isTerminalState(state: SessionState): state is TerminalState {
  return TERMINAL_STATES.has(state);
}

/** The agent's verdict. */
export const Decision = z.enum(['approved', 'rejected']);
export type Decision = z.infer<typeof Decision>;

/** Why the agent decided as it did (a rejection needs at least one). */
export const ReasonCode = z.enum([
  'ID_MISMATCH',
  'DOCUMENT_INVALID',
  'SECURITY_FEATURES_FAILED',
  'POOR_QUALITY',
  'CUSTOMER_ABORTED',
  'SUSPECTED_FRAUD',
  /** The customer did not enter the session's one-time code right (issue 15). */
  'CODE_FAILED',
  /** The customer did not perform the liveness challenges (issue 15). */
  'CHALLENGE_FAILED',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

/**
 * The procedure reasons an agent may abort an identification for (frame `abort`): the session ends
 * `decided`, rejected, with that reason code and `aborted: true` in its outcome.
 */
export const AbortReason = z.enum([
  'POOR_QUALITY',
  'CODE_FAILED',
  'CHALLENGE_FAILED',
  'SECURITY_FEATURES_FAILED',
  'SUSPECTED_FRAUD',
] as const satisfies readonly ReasonCode[]);
export type AbortReason = z.infer<typeof AbortReason>;

export const MAX_DECISION_NOTE = 2000;

/** Who cancelled a session: the bank (API), or a participant hanging up without a decision. */
export const CancelledBy = z.enum(['bank', 'customer', 'agent']);
export type CancelledBy = z.infer<typeof CancelledBy>;

/** The bank's own id of an agent (its SSO subject, employee number, e-mail). */
export const AgentId = z.string().check(z.regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1..64 of [A-Za-z0-9_.@-]'));
export type AgentId = z.infer<typeof AgentId>;

/** The desk agent behind a decision: the bank's own agent id and display name. */
export const DecidingAgent = z.object({
  id: AgentId,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type DecidingAgent = z.infer<typeof DecidingAgent>;

/**
 * How a session ended, in full (the bank's view). One shape per terminal state; a `decided` outcome
 * carries the agent's note, which participants' browsers never receive.
 */
export const SessionOutcome = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('decided'),
    decision: Decision,
    reasonCodes: z.array(ReasonCode),
    note: z.string().check(z.maxLength(MAX_DECISION_NOTE)),
    decidedBy: z.literal('agent'),
    /**
     * The desk agent who decided (the bank's agent id and display name, never a personal number);
     * absent when the agent came in through the bank's own agent link.
     */
    agent: z.optional(DecidingAgent),
    /** The agent aborted the identification for a procedure reason (an AbortReason); absent otherwise. */
    aborted: z.optional(z.literal(true)),
  }),
  z.object({ state: z.literal('cancelled'), by: CancelledBy }),
  z.object({ state: z.literal('expired'), cause: z.enum(['link_expired', 'max_duration']) }),
  z.object({ state: z.literal('abandoned'), participant: Role }),
  z.object({ state: z.literal('failed'), cause: z.string().check(z.maxLength(256)) }),
]);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

/**
 * The outcome in one word, safe to show either participant (no note): what end screens render and
 * `session-ended` carries.
 */
export const EndReason = z.enum([
  'approved',
  'rejected',
  'cancelled_by_bank',
  'cancelled_by_customer',
  'cancelled_by_agent',
  'link_expired',
  'max_duration',
  'abandoned',
  'failed',
]);
export type EndReason = z.infer<typeof EndReason>;

/** Collapses an outcome into the word participants may see. */
export function endReasonOf(outcome: SessionOutcome): EndReason {
  switch (outcome.state) {
    case 'decided':
      return outcome.decision;
    case 'cancelled':
      return `cancelled_by_${outcome.by}`;
    case 'expired':
      return outcome.cause;
    case 'abandoned':
      return 'abandoned';
    case 'failed':
      return 'failed';
  }
}

/** An RTCPeerConnection as seen by a media node: the browser's upstream or downstream leg. */
export const PeerLeg = z.enum(['publisher', 'subscriber']);
export type PeerLeg = z.infer<typeof PeerLeg>;

/** An SDP body as the browser produced it; bounded so a hostile client cannot flood the path. */
export const Sdp = z.string().check(z.minLength(1), z.maxLength(64 * 1024));

/** RTCIceCandidateInit, or null meaning "gathering completed". */
export const IceCandidate = z.nullable(
  z.object({
    candidate: z.string().check(z.maxLength(1024)),
    sdpMid: z.nullish(z.string().check(z.maxLength(64))),
    sdpMLineIndex: z.nullish(z.int().check(z.gte(0), z.lte(64))),
  }),
);
export type IceCandidate = z.infer<typeof IceCandidate>;

export const MediaState = z.object({ audio: z.boolean(), video: z.boolean() });
export type MediaState = z.infer<typeof MediaState>;

/** ISO-8601 timestamp string. */
export const Timestamp = z.iso.datetime();
