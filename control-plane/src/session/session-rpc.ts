import type { BankCheckAccepted, BankCheckRequest, Locale, NodeEvent, PrecheckSignal, ProbeReport, QueueStatus, SessionView, UpdateSessionRequest } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';
import type { Failure } from '../base/http-error.ts';
import type { EvidenceRpc } from '../evidence/evidence-rpc.ts';
import type { ProbeRefusal, ProbeTicket } from './probe-ledger.ts';
import type { ReplayTicket } from '../base/replay-guard-rpc.ts';
import type { NewSession } from './session-record.ts';

/*
 * What the rest of the control plane may call on a VerificationSession, grouped by who calls it.
 * Types only (and the headers the Worker forwards an upgrade with): env.ts types the SESSIONS
 * binding with them, so nothing that reads the bindings imports the Durable Object (which imports
 * env.ts).
 */

/** Header the Worker sets (after verifying the participant token) when it forwards an upgrade. */
export const ROLE_HEADER = 'x-vident-role';
/** Header with the verified token's agent claim (JSON AgentClaim), absent for a link without one. */
export const AGENT_CLAIM_HEADER = 'x-vident-agent-claim';

/** What a desk-issued agent token names: its agent and the assignment it was minted for. */
export interface AgentClaim {
  agentId: string;
  assignmentId: string;
}

/** The claim the Worker put in AGENT_CLAIM_HEADER (null: the token names no agent). */
export function agentClaimOf(request: Request): AgentClaim | null {
  try {
    const value = JSON.parse(request.headers.get(AGENT_CLAIM_HEADER) ?? 'null') as Partial<AgentClaim> | null;
    return typeof value?.agentId === 'string' && typeof value.assignmentId === 'string' ? { agentId: value.agentId, assignmentId: value.assignmentId } : null;
  } catch {
    return null;
  }
}

/** The session as the bank sees it, or why not. */
export type ViewResult = { ok: true; view: SessionView } | Failure;

/** What session creation hands the new session's object: its record's input less the node, which the object places itself. */
export interface SessionCreation extends Omit<NewSession, 'nodeId' | 'nodeUrl'> {
  /** The placement region the bank asked for (absent: any). */
  region?: string;
  /** The creation request's replay ticket, claimed alongside the placement (absent: the Worker claims it). */
  replay?: ReplayTicket;
}

/** The node a new session was placed on, or why it was not created. */
export type CreatedResult = { ok: true; nodeId: string } | Failure;

/** The trail as JSON text: its free-form `detail` objects do not fit RPC's serializable types. */
export type AuditResult = { ok: true; json: string } | Failure;

/** The confirmed document as JSON text (SessionDocument), or why not (not_found: none confirmed yet). */
export type DocumentResult = { ok: true; json: string } | Failure;
/** The stored bank check with every check so far, or why not. */
export type CheckResult = { ok: true; answer: BankCheckAccepted } | Failure;
/** The one-time code as JSON text (SessionOneTimeCode), or why not. */
export type OneTimeCodeResult = { ok: true; json: string } | Failure;

/** The bank API's calls (and session creation's). */
export interface BankSessionRpc {
  /**
   * Creates the session (once): places it on a media node and claims the request's replay ticket
   * at once, and only when both succeeded stores it, audits it and arms its first timer (the link
   * expiry). A refusal leaves nothing behind (a placement made is released).
   */
  init(input: SessionCreation, caller?: Caller): Promise<CreatedResult>;
  /** The session as the bank sees it; the read is audited. */
  get(caller?: Caller): Promise<ViewResult>;
  /** Changes the customer's name or the metadata of a session that has not ended; audited. */
  update(patch: UpdateSessionRequest, caller?: Caller): Promise<ViewResult>;
  /** The bank deleted the session: cancels it (idempotent: an ended session stays as it was). */
  remove(caller?: Caller): Promise<ViewResult>;
  /** The audit trail with its head; reading it is itself recorded first. */
  audit(caller?: Caller): Promise<AuditResult>;
  /** The ID document the agent confirmed, full fields, with the bank's checks; the read is audited. */
  document(caller?: Caller): Promise<DocumentResult>;
  /** The bank's own check on the document: stored, audited, shown to the agent live. */
  addCheck(request: BankCheckRequest, caller?: Caller): Promise<CheckResult>;
  /** The session's one-time code (SessionOneTimeCode as JSON text) while it is open, for delivery to the customer; audited. */
  oneTimeCode(caller?: Caller): Promise<OneTimeCodeResult>;
}

/** The media fleet's calls: the session's node reports, the registry moves it. */
export interface NodeSessionRpc {
  /** The fleet registry lost this session's node: move the media elsewhere. Idempotent. */
  nodeLost(nodeId: string, cause: string): Promise<void>;
  /**
   * An event from a media node; only this session's own node is believed. `replay` is the verified
   * request's ticket, claimed by the session before it acts (a replayed event: request_replayed).
   */
  nodeEvent(nodeId: string, event: NodeEvent, replay: ReplayTicket): Promise<{ ok: true } | Failure>;
}

/** A session given to an agent: the link to mint names `assignmentId` (only it admits the agent). */
export type AssignResult = { ok: true; expiresAt: string; locale: Locale; assignmentId: string };

/** The agents' desk's calls. */
export interface DeskSessionRpc {
  /** The desk gives the session to an agent: the first wins, another is refused (`conflict`); audited. */
  assignAgent(agent: { id: string; name: string }, via: 'pick' | 'random'): Promise<AssignResult | Failure>;
  /** The desk takes the session back from an agent who did not join in time (audited); another may take it. */
  releaseAgent(agentId: string): Promise<{ ok: true } | Failure>;
  /** The bank revoked the agent: its link is refused from now on and its socket closed (audited). */
  revokeAgent(agentId: string, caller?: Caller): Promise<{ ok: true }>;
  /** The desk's queue position for the waiting customer. */
  queueUpdate(status: QueueStatus): Promise<void>;
}

/**
 * The participants' browsers. Their signaling sockets arrive through the object's fetch (a
 * WebSocket upgrade carrying ROLE_HEADER), which every Durable Object stub has; the customer's
 * pre-call network probe comes through the Worker's routes.
 */
export interface BrowserSessionRpc {
  /** The customer's pre-call TCP probe: admitted, rate-limited and audited; the call is untouched. */
  admitProbe(from: string | null): Promise<ProbeTicket | ProbeRefusal>;
  /** The browser's outcome of one of this session's probes, audited once. */
  reportProbe(probeId: string, report: ProbeReport, from: string | null): Promise<{ ok: true } | ProbeRefusal>;
  /** The customer's page before it joins (link opened, permission refused), for the funnel: noted once each. */
  precheckSignal(signal: PrecheckSignal, from: string | null): Promise<{ ok: true } | ProbeRefusal>;
  /** Whether the session admits an agent token with this claim now (e.g. before storing its capture). */
  admitAgent(claim: AgentClaim | null): Promise<{ ok: true } | Failure>;
}

/** A VerificationSession's whole RPC surface: one group per caller, evidence as its own RpcTarget. */
export interface VerificationSessionRpc extends Rpc.DurableObjectBranded, BankSessionRpc, BrowserSessionRpc, NodeSessionRpc, DeskSessionRpc {
  /** The evidence calls (uploads, captures, the bank's evidence API, downloads): `stub.evidence().startUpload(...)`. */
  evidence(): EvidenceRpc;
}
