import type { BankCheckRequest, NodeEvent, PrecheckSignal, ProbeReport, QueueStatus, UpdateSessionRequest } from '@vident/protocol';
import { DurableObject } from 'cloudflare:workers';
import type { Caller } from '../base/caller.ts';
import type { Env } from '../base/env.ts';
import type { Failure } from '../base/http-error.ts';
import type { ReplayTicket } from '../base/replay-guard-rpc.ts';
import { SessionEvidence } from '../evidence/session-evidence.ts';
import { BankCalls } from './bank-calls.ts';
import { BrowserCalls } from './browser-calls.ts';
import { DeskCalls } from './desk-calls.ts';
import { NodeCalls } from './node-calls.ts';
import type { ProbeRefusal, ProbeTicket } from './probe-ledger.ts';
import { SessionCore } from './session-core.ts';
import type { AgentClaim, AssignResult, AuditResult, CheckResult, CreatedResult, DocumentResult, OneTimeCodeResult, SessionCreation, VerificationSessionRpc, ViewResult } from './session-rpc.ts';

/**
 * One verification session (idFromName(sessionId)): a shell over SessionCore (its record, conduct,
 * storage, sockets and alarm, one operation at a time) that hands each caller to its own group.
 * The Durable Object's methods are the RPC surface workerd exposes, so each is one line here.
 */
export class VerificationSession extends DurableObject<Env> implements VerificationSessionRpc {
  private readonly core: SessionCore;
  private readonly bank: BankCalls;
  private readonly browsers: BrowserCalls;
  private readonly node: NodeCalls;
  private readonly desk: DeskCalls;
  private readonly evidenceCalls: SessionEvidence;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const core = new SessionCore(ctx, env);
    this.core = core;
    this.bank = new BankCalls(core);
    this.browsers = new BrowserCalls(core);
    this.node = new NodeCalls(core);
    this.desk = new DeskCalls(core);
    this.evidenceCalls = new SessionEvidence(core);
  }

  /* ----------------------------------------------------------------------------- the bank API */

  init(input: SessionCreation, caller?: Caller): Promise<CreatedResult> {
    return this.bank.init(input, caller);
  }

  get(caller?: Caller): Promise<ViewResult> {
    return this.bank.get(caller);
  }

  update(patch: UpdateSessionRequest, caller?: Caller): Promise<ViewResult> {
    return this.bank.update(patch, caller);
  }

  remove(caller?: Caller): Promise<ViewResult> {
    return this.bank.remove(caller);
  }

  audit(caller?: Caller): Promise<AuditResult> {
    return this.bank.audit(caller);
  }

  document(caller?: Caller): Promise<DocumentResult> {
    return this.bank.document(caller);
  }

  addCheck(request: BankCheckRequest, caller?: Caller): Promise<CheckResult> {
    return this.bank.addCheck(request, caller);
  }

  oneTimeCode(caller?: Caller): Promise<OneTimeCodeResult> {
    return this.bank.oneTimeCode(caller);
  }

  /* ------------------------------------------------------------------------- the media fleet */

  nodeLost(nodeId: string, cause: string): Promise<void> {
    return this.node.nodeLost(nodeId, cause);
  }

  nodeEvent(nodeId: string, event: NodeEvent, replay: ReplayTicket): Promise<{ ok: true } | Failure> {
    return this.node.nodeEvent(nodeId, event, replay);
  }

  /* ------------------------------------------------------------------------------- the desk */

  assignAgent(agent: { id: string; name: string }, via: 'pick' | 'random'): Promise<AssignResult | Failure> {
    return this.desk.assignAgent(agent, via);
  }

  releaseAgent(agentId: string): Promise<{ ok: true } | Failure> {
    return this.desk.releaseAgent(agentId);
  }

  revokeAgent(agentId: string, caller?: Caller): Promise<{ ok: true }> {
    return this.desk.revokeAgent(agentId, caller);
  }

  queueUpdate(status: QueueStatus): Promise<void> {
    return this.desk.queueUpdate(status);
  }

  /* ------------------------------------------------------------------------------ evidence */

  evidence(): SessionEvidence {
    return this.evidenceCalls;
  }

  /* ---------------------------------------------------------------- the participants' browsers */

  admitProbe(from: string | null): Promise<ProbeTicket | ProbeRefusal> {
    return this.browsers.admitProbe(from);
  }

  reportProbe(probeId: string, report: ProbeReport, from: string | null): Promise<{ ok: true } | ProbeRefusal> {
    return this.browsers.reportProbe(probeId, report, from);
  }

  precheckSignal(signal: PrecheckSignal, from: string | null): Promise<{ ok: true } | ProbeRefusal> {
    return this.browsers.precheckSignal(signal, from);
  }

  admitAgent(claim: AgentClaim | null): Promise<{ ok: true } | Failure> {
    return this.browsers.admitAgent(claim);
  }

  override fetch(request: Request): Promise<Response> {
    return this.browsers.upgrade(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.browsers.message(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    return this.browsers.closed(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): Promise<void> {
    return this.browsers.gone(ws);
  }

  /* ---------------------------------------------------------------------------------- timers */

  override alarm(): Promise<void> {
    return this.core.alarm();
  }
}
