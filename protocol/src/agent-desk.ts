import * as z from 'zod/mini';
import { FleetNode } from './admin-api.ts';
import { AgentId, Locale, SessionId, SessionState, Timestamp } from './common.ts';
import { ErrorCode } from './errors.ts';

export { QueueStatus } from './queue-status.ts';

/*
 * The agents' desk: signing agents in (bank API), the live queue of waiting customers, assignment
 * (agents pick, or the desk assigns at random), and the supervisor's overview.
 *
 *   bank backend --POST /v1/agents/sign-ins--> consoleUrl (`/agent#token=...`, `/supervisor#token=...`)
 *   console --GET /v1/desk/socket (subprotocols `vident-desk.v1`, `vident-desk-token.<token>`)--> AgentDesk
 *   supervisor page --GET /v1/desk/overview (Authorization: Bearer <token>)--> DeskOverview
 */

/** An agent works the queue; a supervisor only watches (never assigned, never accepts). */
export const DeskRole = z.enum(['agent', 'supervisor']);
export type DeskRole = z.infer<typeof DeskRole>;

/** How waiting customers reach agents (AGENT_ASSIGNMENT). */
export const AssignmentMode = z.enum(['pick', 'random']);
export type AssignmentMode = z.infer<typeof AssignmentMode>;

/** Body of `POST /v1/agents/sign-ins`: the bank's backend vouches for an agent after its own SSO. */
export const AgentSignInRequest = z.strictObject({
  agentId: AgentId,
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  role: z._default(DeskRole, 'agent'),
  /** Languages the agent serves; random assignment only matches sessions of these locales. */
  locales: z._default(
    z.array(Locale).check(
      z.minLength(1),
      z.maxLength(Locale.options.length),
      z.refine((l) => new Set(l).size === l.length, { message: 'locales must not repeat' }),
    ),
    ['ko', 'en'],
  ),
  /**
   * How long the sign-in lasts. The console's desk token itself lives DESK_TOKEN_MINUTES and the
   * console refreshes it (`POST /v1/desk/token`) until the sign-in ends or the bank revokes the agent.
   */
  ttlMinutes: z._default(z.int().check(z.gte(1), z.lte(720)), 480),
});
export type AgentSignInRequest = z.input<typeof AgentSignInRequest>;

/** Lifetime of one desk token; the console refreshes it before then, never past its sign-in's end. */
export const DESK_TOKEN_MINUTES = 15;

/** Answer (201) of `POST /v1/agents/sign-ins`. The token rides in the URL fragment. */
export const AgentSignInResponse = z.object({
  consoleUrl: z.url(),
  /** When the sign-in ends (no refresh goes past it). */
  expiresAt: Timestamp,
  /** When the link's own token expires unless the console refreshed it: open the link before then. */
  tokenExpiresAt: Timestamp,
});
export type AgentSignInResponse = z.infer<typeof AgentSignInResponse>;

/** Answer of `POST /v1/desk/token` (Authorization: Bearer <desk token>): a fresh desk token for the same sign-in. */
export const DeskTokenRefresh = z.object({
  token: z.string(),
  /** This token's expiry (at most DESK_TOKEN_MINUTES from now, never past `signInExpiresAt`). */
  expiresAt: Timestamp,
  signInExpiresAt: Timestamp,
});
export type DeskTokenRefresh = z.infer<typeof DeskTokenRefresh>;

/**
 * Answer of `POST /v1/agents/:agentId/revoke` (bank-signed): every desk token of the agent is refused
 * from now on, its consoles are closed, and so is its link into any session it was given (a call
 * it is in loses its agent). A later sign-in works again.
 */
export const AgentRevocation = z.object({
  agentId: AgentId,
  revokedAt: Timestamp,
  /** The session the agent held when revoked, if any. */
  sessionId: z.nullable(SessionId),
});
export type AgentRevocation = z.infer<typeof AgentRevocation>;

/** available: may take a customer; away: signed in but paused; busy: in a call. */
export const AgentStatus = z.enum(['available', 'away', 'busy']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** One waiting customer as agents see it (no customer name: the external reference identifies the case). */
export const QueueEntry = z.object({
  sessionId: SessionId,
  externalRef: z.string(),
  locale: Locale,
  waitingSince: Timestamp,
  /** 1 = next; FIFO by waitingSince. */
  position: z.int().check(z.positive()),
  /** Taken by an agent who is on the way into the call. */
  assigned: z.boolean(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

/** An agent (or supervisor) the desk knows: connected, or in a call it accepted. */
export const DeskAgent = z.object({
  agentId: AgentId,
  name: z.string(),
  role: DeskRole,
  locales: z.array(Locale),
  status: AgentStatus,
  /** The console's socket is open (a busy agent's console is usually replaced by the call page). */
  connected: z.boolean(),
  sessionId: z.nullable(SessionId),
  since: Timestamp,
});
export type DeskAgent = z.infer<typeof DeskAgent>;

/** What a console sends over the desk socket. */
export const DeskClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('availability'), available: z.boolean() }),
  /** Pick mode only: take this waiting customer. Exactly one of two agents clicking together wins. */
  z.strictObject({ type: z.literal('accept'), sessionId: SessionId }),
]);
export type DeskClientMessage = z.infer<typeof DeskClientMessage>;

/** What the desk tells a console. */
export const DeskServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('desk-welcome'),
    agent: z.object({ agentId: AgentId, name: z.string(), role: DeskRole, locales: z.array(Locale) }),
    mode: AssignmentMode,
    status: AgentStatus,
  }),
  /** The whole queue, sent on every change. */
  z.object({ type: z.literal('desk-queue'), entries: z.array(QueueEntry), agentsOnline: z.int().check(z.nonnegative()) }),
  z.object({ type: z.literal('desk-status'), status: AgentStatus }),
  /** The agent got a customer: open `callUrl` (a fresh agent participant link of that session). */
  z.object({ type: z.literal('assigned'), sessionId: SessionId, callUrl: z.url() }),
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
]);
export type DeskServerMessage = z.infer<typeof DeskServerMessage>;

/** Terminal outcomes the supervisor counts. */
export const OutcomeCounts = z.object({
  approved: z.int().check(z.nonnegative()),
  rejected: z.int().check(z.nonnegative()),
  cancelled: z.int().check(z.nonnegative()),
  expired: z.int().check(z.nonnegative()),
  abandoned: z.int().check(z.nonnegative()),
  failed: z.int().check(z.nonnegative()),
});
export type OutcomeCounts = z.infer<typeof OutcomeCounts>;

export const LiveSession = z.object({
  sessionId: SessionId,
  externalRef: z.string(),
  state: SessionState,
  locale: Locale,
  createdAt: Timestamp,
  startedAt: z.nullable(Timestamp),
  nodeId: z.nullable(z.string()),
  agent: z.nullable(z.object({ id: AgentId, name: z.string() })),
});
export type LiveSession = z.infer<typeof LiveSession>;

export const WaitingCustomer = z.extend(QueueEntry, { waitingSeconds: z.int().check(z.nonnegative()) });
export type WaitingCustomer = z.infer<typeof WaitingCustomer>;

/** Answer of `GET /v1/desk/overview` (supervisors only). "Today" is the UTC day starting at `since`. */
export const DeskOverview = z.object({
  generatedAt: Timestamp,
  mode: AssignmentMode,
  liveSessions: z.array(LiveSession),
  waiting: z.array(WaitingCustomer),
  agents: z.array(DeskAgent),
  today: z.object({
    since: Timestamp,
    outcomes: OutcomeCounts,
    /** Null when no wait (or call) ended today. */
    averageWaitSeconds: z.nullable(z.number().check(z.nonnegative())),
    averageCallSeconds: z.nullable(z.number().check(z.nonnegative())),
  }),
  nodes: z.array(FleetNode),
});
export type DeskOverview = z.infer<typeof DeskOverview>;
