import { Role, SIGNALING_SUBPROTOCOL, STANDBY_QUERY, type PrecheckSignal, type ProbeReport, type ServerMessage } from '@vident/protocol';
import { errorBody, type Failure } from '../base/http-error.ts';
import { agentAdmission } from './agent-assignment.ts';
import { attachmentOf, CLOSE_REVOKED, safeClose, type Attachment } from './participant-sockets.ts';
import { decodeClientFrame } from './client-frame.ts';
import { notePrecheckSignal } from './funnel-marks.ts';
import { admitProbe, ProbeLedger, recordProbeReport, type ProbeRefusal, type ProbeTicket } from './probe-ledger.ts';
import type { SessionCore } from './session-core.ts';
import { agentClaimOf, ROLE_HEADER, type AgentClaim, type BrowserSessionRpc } from './session-rpc.ts';

/**
 * The participants' browsers: their signaling sockets (the upgrade the Worker forwards, then each
 * frame and close, handed to the relay one at a time) and the customer's pre-call probe.
 */
export class BrowserCalls implements BrowserSessionRpc {
  private probes: ProbeLedger | undefined;

  constructor(private readonly core: SessionCore) {}

  /** WebSocket upgrade, forwarded by the Worker with the verified role in ROLE_HEADER. */
  async upgrade(request: Request): Promise<Response> {
    const role = Role.safeParse(request.headers.get(ROLE_HEADER));
    if (!role.success || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(errorBody('bad_request', 'expected a WebSocket upgrade'), { status: 400 });
    }
    const conduct = this.core.conduct;
    if (!conduct) return Response.json(errorBody('not_found', 'no such session'), { status: 404 });
    const { 0: client, 1: server } = new WebSocketPair();
    if (role.data === 'agent') {
      // Before anything else: a link that no longer admits its agent must not replace the admitted agent's socket.
      const admitted = agentAdmission(conduct.record, agentClaimOf(request));
      if (!admitted.ok) {
        // Told on the socket (a refused upgrade reaches a page as a bare 1006): the page shows why and stops.
        server.accept();
        server.send(JSON.stringify({ type: 'error', code: admitted.code, message: admitted.message } satisfies ServerMessage));
        server.close(CLOSE_REVOKED, 'token revoked');
        return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
      }
    }
    const ended = conduct.endedMessage();
    if (ended) {
      // A late or reopened link: the page learns why the session is over instead of a bare refusal.
      server.accept();
      server.send(JSON.stringify(ended));
      server.close(1000, 'session ended');
      return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
    }
    // Before accepting: a refused (re)connect writes no audit row and no directory update.
    const refused = await this.core.admitJoin(role.data);
    if (refused) return Response.json(errorBody(refused.code, refused.message), { status: refused.status, headers: refused.headers });
    if (new URL(request.url).searchParams.get(STANDBY_QUERY) === '1') {
      // Connect-then-join (issue 16): the handshake is done before the Join click; the participant
      // joins, and is announced, when this socket sends `join` (see join below).
      this.core.sockets.acceptStandby(server, role.data, request.headers.get('cf-connecting-ip'), role.data === 'agent' ? agentClaimOf(request) : null);
      return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
    }
    const attachment = this.core.sockets.accept(server, role.data, request.headers.get('cf-connecting-ip'));
    // Not awaited: the 101 must not wait for node commands (a subscribe may follow the welcome).
    void this.core.serialized(() => this.core.conduct!.connect(attachment.role, attachment.connectionId, attachment.from)).catch(() => undefined);
    return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
  }

  /** One frame from a participant's socket, for the signaling relay (in the session's queue). */
  async message(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const att = this.core.sockets.attachment(ws);
    if (!att || !this.core.conduct) return;
    if (att.standby) return this.join(ws, att, message);
    await this.core.serialized(() => this.core.conduct!.message(att.role, att.connectionId, message, att.from)).catch(() => undefined);
  }

  /**
   * A frame from a socket on standby: only `join` is taken. The checks of the upgrade are made
   * again (the session may have ended, or the agent's link been revoked, since), then the socket
   * replaces the role's older ones and the participant connects as on a plain upgrade.
   */
  private async join(ws: WebSocket, att: Attachment, message: string | ArrayBuffer): Promise<void> {
    const decoded = decodeClientFrame(message);
    if (!decoded.ok || decoded.message.type !== 'join') {
      // The page sends nothing else before it joins: anything else ends the socket (no frame budget is spent on it).
      sendFrame(ws, { type: 'error', code: decoded.ok ? 'bad_request' : decoded.code, message: decoded.ok ? 'this socket is on standby: send join first' : decoded.message });
      safeClose(ws, CLOSE_POLICY, 'join first');
      return;
    }
    await this.core
      .serialized(async () => {
        const conduct = this.core.conduct;
        const current = this.core.sockets.attachment(ws);
        if (!conduct || !current?.standby || ws.readyState !== WebSocket.OPEN) return;
        const ended = conduct.endedMessage();
        if (ended) {
          sendFrame(ws, ended);
          safeClose(ws, 1000, 'session ended');
          return;
        }
        const admitted = att.role === 'agent' ? agentAdmission(conduct.record, current.standby.claim) : null;
        if (admitted && !admitted.ok) {
          sendFrame(ws, { type: 'error', code: admitted.code, message: admitted.message });
          safeClose(ws, CLOSE_REVOKED, 'token revoked');
          return;
        }
        const joined = this.core.sockets.promote(ws, current);
        await conduct.connect(joined.role, joined.connectionId, joined.from);
      })
      .catch(() => undefined);
  }

  /** The browser closed its socket: close our end too, then the participant is gone. */
  async closed(ws: WebSocket, code: number, reason: string): Promise<void> {
    safeClose(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
    await this.gone(ws);
  }

  /** A participant's socket closed or failed: their reconnect grace starts (ParticipantPresence.disconnect). */
  async gone(ws: WebSocket): Promise<void> {
    const att = attachmentOf(ws);
    if (!att || !this.core.conduct) return;
    await this.core.serialized(() => this.core.conduct!.disconnect(att.role, att.connectionId, att.from)).catch(() => undefined);
  }

  /** Whether an agent token with this claim is admitted now (the captures route asks before storing). */
  admitAgent(claim: AgentClaim | null): Promise<{ ok: true } | Failure> {
    return this.core.withSession(async ({ record }) => agentAdmission(record, claim));
  }

  /** The customer's pre-call TCP probe (routes/probe.ts): admitted, rate-limited and audited; the call is untouched. */
  admitProbe(from: string | null): Promise<ProbeTicket | ProbeRefusal> {
    return this.core.serialized(() =>
      admitProbe({ record: this.core.conduct?.record ?? null, ledger: this.probeLedger(), now: Date.now(), audit: (e) => this.core.appendAudit(e), from }),
    );
  }

  /** The browser's outcome of one of this session's probes, audited once. */
  reportProbe(probeId: string, report: ProbeReport, from: string | null): Promise<{ ok: true } | ProbeRefusal> {
    return this.core.serialized(() =>
      recordProbeReport({ record: this.core.conduct?.record ?? null, ledger: this.probeLedger(), probeId, report, audit: (e) => this.core.appendAudit(e), from }),
    );
  }

  /** The customer's page before it joins (link opened, permission refused): noted and audited once each. */
  precheckSignal(signal: PrecheckSignal, from: string | null): Promise<{ ok: true } | ProbeRefusal> {
    return this.core.serialized(() =>
      notePrecheckSignal({ record: this.core.conduct?.record ?? null, marks: this.core.funnelMarks, signal, now: Date.now(), audit: (e) => this.core.appendAudit(e), from }),
    );
  }

  private probeLedger(): ProbeLedger {
    this.probes ??= new ProbeLedger(this.core.ctx.storage.sql);
    return this.probes;
  }
}

/** Close code for a standby socket that sent something other than `join` (RFC 6455: policy violation). */
const CLOSE_POLICY = 1008;

/** One frame to one socket (the relay's sends go to a role's current connection; a standby socket is none). */
function sendFrame(ws: WebSocket, message: ServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // The socket is going away.
  }
}
