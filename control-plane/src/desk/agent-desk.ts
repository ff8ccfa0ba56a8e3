import { DurableObject } from 'cloudflare:workers';
import { DeskClientMessage, type DeskServerMessage, type ErrorCode, type Locale } from '@vident/protocol';
import { loadConfig } from '../base/config.ts';
import { joinUrl } from '../session/session-link.ts';
import { agentsOnline, average, eligibleAgents, plannedAssignments, queueEntries, queueStatuses, secureRandom, type AgentRow } from './desk-queue.ts';
import { sessionStub, type Env } from '../base/env.ts';
import { errorBody } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import { DeskRows } from './desk-rows.ts';
import { AgentRevocations } from './agent-revocations.ts';
import type { Caller } from '../base/caller.ts';
import { attachmentOf, CLOSE_REVOKED, DESK_AGENT_HEADER, DESK_SUBPROTOCOL, DeskIdentity, MAX_FRAME, safeClose, send, type Attachment } from './desk-socket.ts';
import type { AgentDeskRpc, DeskSnapshot, WaitEnd } from './agent-desk-rpc.ts';

/** How long an agent has to join the call of a customer it took before the customer is offered again. */
export const ASSIGNMENT_TIMEOUT_MS = 120_000;

/**
 * The agents' desk (singleton, idFromName('global')): the live queue of customers waiting for an
 * agent, the connected consoles (hibernating WebSockets), assignment by pick or at random, and the
 * wait and call history behind the customers' estimates. The sessions own their truth: the desk
 * hears from them when a wait starts and ends, and an assignment is the session's to accept.
 *
 * Past 300 lines on purpose: the queue, the consoles' sockets, assignment and revocation must run
 * one at a time in this one object (its hibernation handlers live on the class); what stands apart
 * already does (desk-queue.ts and desk-token.ts, tested alone; desk-rows.ts, desk-overview.ts,
 * agent-revocations.ts).
 */
export class AgentDesk extends DurableObject<Env> implements AgentDeskRpc {
  private rows!: DeskRows;
  private revocations!: AgentRevocations;
  /** Queue status last sent to each waiting session, so unchanged positions are not resent. */
  private readonly told = new Map<string, string>();
  /** Follow-up work (assignments, broadcasts) runs here, one at a time and after the caller's RPC returned. */
  private work: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.rows = new DeskRows(ctx.storage.sql);
      this.revocations = new AgentRevocations(ctx.storage.sql);
    });
  }

  /* ------------------------------------------------------------ from the sessions (idempotent) */

  /** The session's customer is connected and no agent has joined yet. */
  async customerWaiting(w: { sessionId: string; externalRef: string; locale: Locale }, now: number = Date.now()): Promise<void> {
    this.rows.startWaiting({ ...w, waitingSince: now });
    this.told.delete(w.sessionId);
    this.afterChange();
  }

  /** The wait is over: an agent joined, the customer dropped out (may come back), or the session ended. */
  async waitEnded(end: WaitEnd, now: number = Date.now()): Promise<void> {
    const row = this.rows.waitingRow(end.sessionId);
    this.told.delete(end.sessionId);
    if (end.reason === 'customer_left') {
      this.rows.markLeft(end.sessionId, now);
    } else {
      if (end.reason === 'agent_joined' && row && !row.left) this.rows.recordWait(end.sessionId, now - row.waitingSince, now);
      this.rows.removeWaiting(end.sessionId);
    }
    if (end.reason === 'ended') {
      if (end.callMs > 0) this.rows.recordCall(end.sessionId, end.callMs, now);
      const agentId = this.rows.agentOfSession(end.sessionId);
      // The agent is free again: back in the queue if its console is open, else signed off the desk.
      if (agentId !== null) {
        if (this.isConnected(agentId)) this.rows.setStatus(agentId, 'available', null, now);
        else this.rows.removeAgent(agentId);
        this.sendTo(agentId, { type: 'desk-status', status: 'available' });
      }
    }
    this.afterChange();
  }

  /** What the supervisor sees of the desk; `since` bounds "today". */
  async snapshot(since: number, now: number = Date.now()): Promise<DeskSnapshot> {
    return {
      waiting: queueEntries(this.rows.waiting()),
      agents: this.agentRows().map((a) => ({
        agentId: a.agentId,
        name: a.name,
        role: a.role,
        locales: a.locales,
        status: a.status,
        connected: a.connected,
        sessionId: a.sessionId,
        since: new Date(Math.min(a.since, now)).toISOString(),
      })),
      averageWaitMs: average(this.rows.waitsSince(since)),
      averageCallMs: average(this.rows.callsSince(since)),
    };
  }

  /* ------------------------------------------------------------ revocation (bank API) */

  /** The agent's revocation generation: a desk token of another one is refused. */
  async generation(agentId: string): Promise<number> {
    return this.revocations.generation(agentId);
  }

  /**
   * The bank revoked the agent: its desk tokens so far are refused, its consoles closed, and the
   * session it holds told (a customer it has not joined yet is offered again; a call it is in loses
   * it). Idempotent in effect; every call is a fresh revocation.
   */
  async revokeAgent(agentId: string, caller?: Caller, now: number = Date.now()): Promise<{ revokedAt: string; sessionId: string | null }> {
    this.revocations.revoke(agentId, now);
    const sessions = this.rows.sessionsOf(agentId);
    this.rows.removeAgent(agentId);
    for (const ws of this.ctx.getWebSockets(agentId)) {
      send(ws, { type: 'error', code: 'token_revoked', message: "this agent's desk access was revoked" });
      safeClose(ws, CLOSE_REVOKED, 'revoked');
    }
    for (const sessionId of sessions) {
      if (this.rows.waitingRow(sessionId)?.assignedTo === agentId) this.rows.setAssigned(sessionId, null, now);
      try {
        await sessionStub(this.env, sessionId).revokeAgent(agentId, caller);
      } catch (err) {
        // The desk tokens are refused already; the bank's retry (a fresh revocation) tells the session.
        log('desk_revoke_failed', { sessionId, agentId, message: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    }
    log('desk_agent_revoked', { agentId, sessions: sessions.length });
    await this.armAssignmentTimeout();
    this.afterChange();
    return { revokedAt: new Date(now).toISOString(), sessionId: sessions[0] ?? null };
  }

  /* ------------------------------------------------------------ consoles */

  /** A console's WebSocket, forwarded by the Worker with the verified identity in DESK_AGENT_HEADER. */
  override async fetch(request: Request): Promise<Response> {
    let identity: DeskIdentity | null = null;
    try {
      const parsed = DeskIdentity.safeParse(JSON.parse(decodeURIComponent(request.headers.get(DESK_AGENT_HEADER) ?? 'null')));
      if (parsed.success) identity = parsed.data;
    } catch {
      identity = null;
    }
    if (!identity || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(errorBody('bad_request', 'expected a WebSocket upgrade'), { status: 400 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    if (identity.gen !== this.revocations.generation(identity.agentId)) {
      // Told on the socket, as a refused upgrade reaches a page as a bare 1006: the console stops.
      server.accept();
      send(server, { type: 'error', code: 'token_revoked', message: "this agent's desk access was revoked; sign in again" });
      safeClose(server, CLOSE_REVOKED, 'revoked');
      return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': DESK_SUBPROTOCOL } });
    }
    // One console per agent: a newer one (another tab, a reload) replaces the older.
    for (const old of this.ctx.getWebSockets(identity.agentId)) safeClose(old, 4001, 'replaced by a newer console');
    this.ctx.acceptWebSocket(server, [identity.agentId]);
    const attachment: Attachment = { ...identity, connectionId: crypto.randomUUID() };
    server.serializeAttachment(attachment);

    const now = Date.now();
    const existing = this.rows.agent(identity.agentId, () => true);
    // Back at the console while its call still runs: still busy until that session ends.
    const busy = existing?.status === 'busy' && existing.sessionId !== null;
    const status = busy ? 'busy' : 'available';
    this.rows.upsertAgent({
      agentId: identity.agentId,
      name: identity.name,
      role: identity.role,
      locales: identity.locales,
      status,
      sessionId: busy ? existing.sessionId : null,
      since: busy ? existing.since : now,
    });
    send(server, {
      type: 'desk-welcome',
      agent: { agentId: identity.agentId, name: identity.name, role: identity.role, locales: identity.locales },
      mode: loadConfig(this.env).agentAssignment,
      status,
    });
    send(server, this.queueMessage());
    log('desk_connected', { agentId: identity.agentId, role: identity.role });
    this.afterChange();
    return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': DESK_SUBPROTOCOL } });
  }

  override async webSocketMessage(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    const me = attachmentOf(ws);
    if (!me) return;
    const fail = (code: ErrorCode, message: string) => send(ws, { type: 'error', code, message });
    if (typeof frame !== 'string' || frame.length > MAX_FRAME) return fail('bad_request', 'expected a JSON text frame of at most 4 KiB');
    let value: unknown;
    try {
      value = JSON.parse(frame);
    } catch {
      return fail('invalid_json', 'frame is not valid JSON');
    }
    const parsed = DeskClientMessage.safeParse(value);
    if (!parsed.success) return fail('validation_failed', 'not a desk message');
    const msg = parsed.data;
    const agent = this.rows.agent(me.agentId, (id) => this.isConnected(id));
    if (!agent) return fail('not_found', 'this console is not signed in to the desk');
    switch (msg.type) {
      case 'availability': {
        if (agent.status === 'busy') return fail('conflict', 'you are in a call');
        const status = msg.available ? 'available' : 'away';
        this.rows.setStatus(me.agentId, status, null, Date.now());
        send(ws, { type: 'desk-status', status });
        this.afterChange();
        return;
      }
      case 'accept': {
        if (me.role !== 'agent') return fail('forbidden', 'supervisors do not take customers');
        if (loadConfig(this.env).agentAssignment !== 'pick') return fail('forbidden', 'customers are assigned at random here; agents cannot pick');
        if (agent.status !== 'available') return fail('conflict', agent.status === 'busy' ? 'you are already in a call' : 'set yourself available first');
        const row = this.rows.waitingRow(msg.sessionId);
        if (!row || row.left) return fail('not_found', 'this customer is no longer waiting');
        if (row.assignedTo !== null) return fail('conflict', 'another agent has taken this customer');
        await this.assign(msg.sessionId, me, 'pick');
        return;
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    safeClose(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
    this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.socketGone(ws);
  }

  private socketGone(ws: WebSocket): void {
    const me = attachmentOf(ws);
    if (!me) return;
    // A replaced console's close must not sign off the agent its newer console belongs to.
    if (this.ctx.getWebSockets(me.agentId).some((s) => s !== ws && s.readyState === WebSocket.OPEN)) return;
    const agent = this.rows.agent(me.agentId, () => false);
    // A console that left for its call stays on the desk as busy until the call ends.
    if (agent && agent.status !== 'busy') this.rows.removeAgent(me.agentId);
    this.afterChange();
  }

  /* ------------------------------------------------------------ assignment */

  /**
   * Gives a waiting customer to an agent. The row and the agent are claimed before the session is
   * asked, so this desk never offers one customer twice; the session refuses a second agent anyway
   * (`conflict`), which is what decides between two desks' worth of racing clicks.
   */
  private async assign(sessionId: string, agent: Attachment, via: 'pick' | 'random'): Promise<boolean> {
    const now = Date.now();
    this.rows.setAssigned(sessionId, agent.agentId, now);
    this.rows.setStatus(agent.agentId, 'busy', sessionId, now);
    const release = () => {
      if (this.rows.waitingRow(sessionId)?.assignedTo === agent.agentId) this.rows.setAssigned(sessionId, null, now);
      if (this.rows.agentOfSession(sessionId) === agent.agentId) this.rows.setStatus(agent.agentId, 'available', null, now);
    };
    let result: Awaited<ReturnType<ReturnType<typeof sessionStub>['assignAgent']>>;
    try {
      result = await sessionStub(this.env, sessionId).assignAgent({ id: agent.agentId, name: agent.name }, via);
    } catch (err) {
      release();
      log('desk_assign_failed', { sessionId, agentId: agent.agentId, message: err instanceof Error ? err.message : String(err) });
      this.sendTo(agent.agentId, { type: 'error', code: 'internal', message: 'the session could not be reached; try again' });
      this.afterChange();
      return false;
    }
    if (!result.ok) {
      release();
      if (result.code === 'session_ended' || result.code === 'not_found') this.rows.removeWaiting(sessionId);
      this.sendTo(agent.agentId, { type: 'error', code: result.code, message: result.message });
      this.afterChange();
      return false;
    }
    // The link names the agent and this assignment: it admits no one else, and nobody once released.
    const callUrl = await joinUrl(loadConfig(this.env), agent.baseUrl, sessionId, 'agent', Date.parse(result.expiresAt), result.locale, {
      aid: agent.agentId,
      asg: result.assignmentId,
    });
    this.sendTo(agent.agentId, { type: 'desk-status', status: 'busy' });
    this.sendTo(agent.agentId, { type: 'assigned', sessionId, callUrl });
    await this.armAssignmentTimeout();
    log('desk_assigned', { sessionId, agentId: agent.agentId, via });
    this.afterChange();
    return true;
  }

  /**
   * An agent who took a customer but has not joined its call within ASSIGNMENT_TIMEOUT_MS (closed the
   * tab, lost the network) gives the customer back: the session forgets the agent (audited) and the
   * customer is offered again. Late is fine: the alarm only releases what is still unjoined.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const { sessionId, agentId } of this.rows.staleAssignments(now - ASSIGNMENT_TIMEOUT_MS + 1)) {
      let released: Awaited<ReturnType<ReturnType<typeof sessionStub>['releaseAgent']>>;
      try {
        released = await sessionStub(this.env, sessionId).releaseAgent(agentId);
      } catch (err) {
        log('desk_release_failed', { sessionId, agentId, message: err instanceof Error ? err.message : String(err) });
        continue;
      }
      // conflict: the agent joined meanwhile; its wait-ended report settles the row.
      if (!released.ok && released.code === 'conflict') continue;
      this.rows.setAssigned(sessionId, null, now);
      if (this.rows.agentOfSession(sessionId) === agentId) {
        if (this.isConnected(agentId)) this.rows.setStatus(agentId, 'available', null, now);
        else this.rows.removeAgent(agentId);
        this.sendTo(agentId, { type: 'desk-status', status: 'available' });
      }
      log('desk_assignment_released', { sessionId, agentId });
    }
    await this.armAssignmentTimeout();
    this.afterChange();
  }

  private async armAssignmentTimeout(): Promise<void> {
    const oldest = this.rows.oldestAssignmentAt();
    if (oldest === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Date.now(), oldest + ASSIGNMENT_TIMEOUT_MS));
  }

  /** Random mode: hands every unassigned customer to a random eligible agent. */
  private async assignAtRandom(): Promise<void> {
    if (loadConfig(this.env).agentAssignment !== 'random') return;
    const agents = this.agentRows();
    for (const { sessionId, agentId } of plannedAssignments(this.rows.waiting(), agents, secureRandom)) {
      // Re-checked: an earlier assignment of this round may have changed who is free.
      const row = this.rows.waitingRow(sessionId);
      const fresh = this.agentRows().find((a) => a.agentId === agentId);
      if (!row || row.left || row.assignedTo !== null || !fresh || !eligibleAgents([fresh], row.locale).length) continue;
      const socket = this.ctx.getWebSockets(agentId).map(attachmentOf).find((a) => a !== null);
      if (socket) await this.assign(sessionId, socket, 'random');
    }
  }

  /* ------------------------------------------------------------ broadcasting */

  /** Something changed: assign (random mode), then tell consoles and waiting customers, off the caller's path. */
  private afterChange(): void {
    this.work = this.work
      .then(async () => {
        await this.assignAtRandom();
        await this.broadcast();
      })
      .catch((err: unknown) => log('desk_update_failed', { message: err instanceof Error ? err.message : String(err) }));
  }

  private async broadcast(): Promise<void> {
    const message = this.queueMessage();
    for (const ws of this.ctx.getWebSockets()) send(ws, message);
    const agents = this.agentRows();
    const statuses = queueStatuses(this.rows.waiting(), average(this.rows.recentCallMs()), agentsOnline(agents));
    await Promise.all(
      [...statuses].map(async ([sessionId, status]) => {
        const text = JSON.stringify(status);
        if (this.told.get(sessionId) === text) return;
        this.told.set(sessionId, text);
        try {
          await sessionStub(this.env, sessionId).queueUpdate(status);
        } catch (err) {
          this.told.delete(sessionId);
          log('desk_queue_update_failed', { sessionId, message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }

  private queueMessage(): DeskServerMessage {
    return { type: 'desk-queue', entries: queueEntries(this.rows.waiting()), agentsOnline: agentsOnline(this.agentRows()) };
  }

  private agentRows(): AgentRow[] {
    return this.rows.agents((id) => this.isConnected(id));
  }

  private isConnected(agentId: string): boolean {
    return this.ctx.getWebSockets(agentId).some((ws) => ws.readyState === WebSocket.OPEN);
  }

  private sendTo(agentId: string, message: DeskServerMessage): void {
    for (const ws of this.ctx.getWebSockets(agentId)) send(ws, message);
  }
}
