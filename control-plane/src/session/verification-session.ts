import { SIGNALING_SUBPROTOCOL } from '@vident/protocol';
import { DurableObject } from 'cloudflare:workers';
import {
  isTerminalState,
  Role,
  type ArtifactView,
  type AuditTrail,
  type Locale,
  type QueueStatus,
  type NodeCommand,
  type NodeEvent,
  type ProbeReport,
  type ServerMessage,
  type SessionView,
  type UpdateSessionRequest,
  type UploadedPart,
  type UploadStart,
  type UploadStatus,
  type WebhookEventType,
} from '@vident/protocol';
import { AuditLog } from './audit-log.ts';
import { CHAT_REPLAY_LIMIT, chatReplay } from './chat-history.ts';
import type { Caller } from '../base/caller.ts';
import { loadConfig } from '../base/config.ts';
import { deskStub, directoryStub, registryStub, type Env } from '../base/env.ts';
import { ArtifactStore, toArtifactViews, type StoredPart } from '../evidence/artifact-store.ts';
import { EvidenceLifecycle, type BankCall } from '../evidence/evidence-lifecycle.ts';
import type { EvidencePorts } from '../evidence/evidence-ports.ts';
import { EvidenceUploads } from '../evidence/evidence-uploads.ts';
import type { ArtifactsResult, CaptureInput, CompletePlan, PartTarget } from '../evidence/evidence-rpc.ts';
import { errorBody, type Failure } from '../base/http-error.ts';
import { turnIceServer } from './turn-credentials.ts';
import { log } from '../base/log.ts';
import { sendNodeCommand } from '../fleet/node-client.ts';
import { admitProbe, ProbeLedger, recordProbeReport } from './probe-ledger.ts';
import { newSessionRecord, normalizeRecord, toSessionView, type NewSession, type SessionRecord } from './session-record.ts';
import type { Actor } from './audit-input.ts';
import { SessionRoom, type RoomPorts } from './session-room.ts';
import { ROLE_HEADER, type AuditResult, type VerificationSessionRpc, type ViewResult } from './session-rpc.ts';
import { assignmentStep, releaseStep } from './agent-assignment.ts';
import { DeskLink } from './desk-link.ts';
import { earliestOf, nextAlarm, retentionAt } from './session-timers.ts';
import { stateEvent, webhookEvent } from './session-webhooks.ts';
import { deliverDue, WebhookOutbox } from './webhook-outbox.ts';

/** Close code for a socket replaced by a newer connection of the same role. */
export const CLOSE_REPLACED = 4001;

interface Attachment {
  role: Role;
  connectionId: string;
  /** cf-connecting-ip of the upgrade, for the audit trail. */
  from: string | null;
}


const bankActor = (caller: Caller | undefined): Actor => (caller ? `${caller.kind ?? 'bank'}:${caller.keyId}` : 'system');
const bankCall = (caller: Caller | undefined): BankCall => ({ actor: bankActor(caller), from: caller?.from ?? null });

/**
 * One verification session (idFromName(sessionId)): its record in SQLite, both participants'
 * hibernating WebSockets, and the timeout alarm. The relay logic lives in SessionRoom; this class
 * supplies storage, sockets and node I/O, and runs one operation at a time.
 */
export class VerificationSession extends DurableObject<Env> implements VerificationSessionRpc {
  private room: SessionRoom | null = null;
  private probes: ProbeLedger | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private auditLog!: AuditLog;
  private outbox!: WebhookOutbox;
  private artifacts!: ArtifactStore;
  private uploads!: EvidenceUploads;
  private evidence!: EvidenceLifecycle;
  /** Tells the agents' desk when this session's customer starts and stops waiting. */
  private readonly deskLink = new DeskLink(() => deskStub(this.env));
  /** The state the stored record had last, to tell when a save must append a state webhook. */
  private persistedState: SessionRecord['state'] | null = null;
  /** A webhook was appended: the alarm must be re-armed for its delivery. */
  private alarmStale = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL)');
      this.auditLog = new AuditLog(ctx.storage.sql);
      this.outbox = new WebhookOutbox(ctx.storage.sql);
      this.artifacts = new ArtifactStore(ctx.storage.sql);
      const evidencePorts = this.evidencePorts();
      this.uploads = new EvidenceUploads(evidencePorts);
      this.evidence = new EvidenceLifecycle(evidencePorts);
      const row = ctx.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').toArray()[0];
      if (row) {
        const record = normalizeRecord(JSON.parse(row.data) as SessionRecord);
        this.persistedState = record.state;
        this.room = new SessionRoom(record, this.ports());
      }
    });
  }

  /** Creates the session (once) and arms its first timer (the link expiry). */
  async init(input: NewSession, caller?: Caller): Promise<ViewResult> {
    return this.serialized(async () => {
      if (this.room) return failure('conflict', 'session already exists');
      const room = new SessionRoom(newSessionRecord(input), this.ports());
      await this.persist(room.record);
      this.room = room;
      await this.appendAudit({
        actor: bankActor(caller),
        action: 'session.created',
        detail: {
          externalRef: input.request.externalRef,
          nodeId: input.nodeId,
          record: input.request.record,
          linkExpiresAt: room.record.linkExpiresAt,
          expiresAt: room.record.expiresAt,
        },
        from: caller?.from ?? null,
      });
      await this.setAlarm(nextAlarm(room.record));
      await this.publish(room.record);
      log('session_created', { sessionId: input.sessionId, nodeId: input.nodeId });
      return { ok: true, view: this.view(room.record) };
    });
  }

  async get(caller?: Caller): Promise<ViewResult> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      await this.auditCall(caller, 'api.session.get');
      return { ok: true, view: this.view(this.room.record) };
    });
  }

  async update(patch: UpdateSessionRequest, caller?: Caller): Promise<ViewResult> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      const r = this.room.record;
      await this.auditCall(caller, 'api.session.update', { fields: Object.keys(patch).sort() });
      if (isTerminalState(r.state)) return failure('session_ended', 'the session has ended');
      if (patch.customerName !== undefined) r.customerName = patch.customerName;
      if (patch.metadata !== undefined) r.metadata = patch.metadata;
      await this.saveAndPublish(r);
      return { ok: true, view: this.view(r) };
    });
  }

  /** The bank deleted the session: cancels it (idempotent: an ended session stays as it was). */
  async remove(caller?: Caller): Promise<ViewResult> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      await this.auditCall(caller, 'api.session.delete');
      await this.room.end({ type: 'cancel', by: 'bank' }, bankActor(caller), caller?.from ?? null);
      return { ok: true, view: this.view(this.room.record) };
    });
  }

  /** The audit trail with its head; reading it is itself recorded first. */
  async audit(caller?: Caller): Promise<AuditResult> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      await this.auditCall(caller, 'api.audit.get');
      const { entries, head } = await this.auditLog.entries();
      const trail: AuditTrail = { sessionId: this.room.record.sessionId, entries, head };
      return { ok: true, json: JSON.stringify(trail) };
    });
  }

  /**
   * The fleet registry lost this session's node (Janus down, heartbeats missed): move the media
   * elsewhere. Idempotent, and a no-op once the session left that node or ended.
   */
  async nodeLost(nodeId: string, cause: string): Promise<void> {
    await this.serialized(async () => {
      if (this.room) await this.room.moveNode(nodeId, cause);
    });
  }

  /**
   * An event from a media node; only this session's own node is believed, and a node the session
   * was moved off only about its recordings (its media events describe legs that are gone).
   */
  async nodeEvent(nodeId: string, event: NodeEvent): Promise<{ ok: true } | Failure> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      const former = this.room.record.formerNodes?.includes(nodeId) ?? false;
      const aboutLegs = event.type === 'media' || event.type === 'media-reset';
      if (former && aboutLegs) return { ok: true } as const;
      if (this.room.record.nodeId !== nodeId && !(former && !aboutLegs)) {
        await this.appendAudit({ actor: `node:${nodeId}`, action: 'node.event_refused', detail: { type: event.type } });
        return failure('forbidden', 'the session is not on this node');
      }
      await this.room.nodeEvent(event);
      return { ok: true } as const;
    });
  }

  /* -------------------- evidence: the logic is in ../evidence/*, the bytes stream in the Worker */

  startUpload(nodeId: string, start: UploadStart): Promise<{ ok: true; status: UploadStatus } | Failure> {
    return this.serialized(() => this.uploads.start(nodeId, start));
  }

  beginPart(nodeId: string, artifactId: string, partNumber: number): Promise<PartTarget | Failure> {
    return this.serialized(() => this.uploads.beginPart(nodeId, artifactId, partNumber));
  }

  partReceived(nodeId: string, artifactId: string, uploadId: string, part: StoredPart): Promise<{ ok: true; part: UploadedPart } | Failure> {
    return this.serialized(() => this.uploads.partReceived(nodeId, artifactId, uploadId, part));
  }

  restartUpload(nodeId: string, artifactId: string, uploadId: string): Promise<{ ok: true } | Failure> {
    return this.serialized(() => this.uploads.restartUpload(nodeId, artifactId, uploadId));
  }

  prepareComplete(nodeId: string, artifactId: string): Promise<CompletePlan | Failure> {
    return this.serialized(() => this.uploads.prepareComplete(nodeId, artifactId));
  }

  finishComplete(nodeId: string, artifactId: string, actual: { sha256: string; size: number } | null): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    return this.serialized(() => this.uploads.finishComplete(nodeId, artifactId, actual));
  }

  addCapture(input: CaptureInput): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    return this.serialized(() => this.uploads.addCapture(input));
  }

  listArtifacts(caller?: Caller): Promise<ArtifactsResult> {
    return this.serialized(() => this.evidence.list(bankCall(caller)));
  }

  /** The signed evidence pack as JSON text (see EvidenceLifecycle.pack). */
  evidencePack(baseUrl: string, caller?: Caller): Promise<{ ok: true; json: string } | Failure> {
    return this.serialized(() => this.evidence.pack(bankCall(caller), baseUrl));
  }

  deleteEvidence(caller?: Caller): Promise<ArtifactsResult> {
    return this.serialized(() => this.evidence.removeByBank(bankCall(caller)));
  }

  downloadTarget(artifactId: string, from: string | null): Promise<{ ok: true; objectKey: string; fileName: string; size: number } | Failure> {
    return this.serialized(() => this.evidence.download(artifactId, from));
  }

  /** The desk gives the session to an agent: the first wins, another is refused (`conflict`); audited. */
  assignAgent(agent: { id: string; name: string }, via: 'pick' | 'random'): Promise<{ ok: true; expiresAt: string; locale: Locale } | Failure> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      const r = this.room.record;
      const step = assignmentStep(r, agent);
      if (step.kind === 'refuse') return failure(step.code, step.message);
      if (step.kind === 'assign') {
        r.agent = { id: agent.id, name: agent.name };
        await this.saveAndPublish(r);
        await this.appendAudit({ actor: via === 'pick' ? 'agent' : 'system', action: 'agent.assigned', detail: { agentId: agent.id, name: agent.name, via } });
        log('agent_assigned', { sessionId: r.sessionId, agentId: agent.id, via });
      }
      return { ok: true, expiresAt: r.expiresAt, locale: r.locale };
    });
  }

  /** The desk takes the session back from an agent who did not join in time (audited); another may take it. */
  releaseAgent(agentId: string): Promise<{ ok: true } | Failure> {
    return this.serialized(async () => {
      if (!this.room) return notFound();
      const r = this.room.record;
      const step = releaseStep(r, agentId);
      if (step.kind === 'refuse') return failure(step.code, step.message);
      if (step.kind === 'release') {
        delete r.agent;
        await this.saveAndPublish(r);
        await this.appendAudit({ actor: 'system', action: 'agent.released', detail: { agentId, reason: 'did_not_join' } });
      }
      return { ok: true } as const;
    });
  }

  /** The desk's queue position for the waiting customer. Not serialized: it changes nothing, it only tells. */
  async queueUpdate(status: QueueStatus): Promise<void> {
    const r = this.room?.record;
    if (!r || isTerminalState(r.state) || r.participants.agent.joinedAt !== null) return;
    const message: ServerMessage = { type: 'queue', ...status };
    for (const ws of this.currentSockets('customer')) {
      try {
        ws.send(JSON.stringify(message));
      } catch {
        // Going away; the close does the bookkeeping.
      }
    }
  }

  /** WebSocket upgrade, forwarded by the Worker with the verified role in ROLE_HEADER. */
  override async fetch(request: Request): Promise<Response> {
    const role = Role.safeParse(request.headers.get(ROLE_HEADER));
    if (!role.success || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(errorBody('bad_request', 'expected a WebSocket upgrade'), { status: 400 });
    }
    if (!this.room) return Response.json(errorBody('not_found', 'no such session'), { status: 404 });
    const { 0: client, 1: server } = new WebSocketPair();
    const ended = this.room.endedMessage();
    if (ended) {
      // A late or reopened link: the page learns why the session is over instead of a bare refusal.
      server.accept();
      server.send(JSON.stringify(ended));
      server.close(1000, 'session ended');
      return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
    }
    const from = request.headers.get('cf-connecting-ip');
    const attachment: Attachment = { role: role.data, connectionId: crypto.randomUUID(), from: from ? from.slice(0, 64) : null };
    for (const old of this.ctx.getWebSockets(role.data)) {
      safeClose(old, CLOSE_REPLACED, 'replaced by a newer connection');
    }
    this.ctx.acceptWebSocket(server, [role.data]);
    server.serializeAttachment(attachment);
    // Not awaited: the 101 must not wait for node commands (a subscribe may follow the welcome).
    void this.serialized(() => this.room!.connect(attachment.role, attachment.connectionId, attachment.from)).catch(() => undefined);
    return new Response(null, { status: 101, webSocket: client, headers: { 'Sec-WebSocket-Protocol': SIGNALING_SUBPROTOCOL } });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const att = attachmentOf(ws);
    if (!att || !this.room) return;
    await this.serialized(() => this.room!.message(att.role, att.connectionId, message, att.from)).catch(() => undefined);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    safeClose(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
    await this.socketGone(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.socketGone(ws);
  }

  /**
   * One alarm serves every timer (link expiry, maximum duration, reconnect graces, evidence
   * retention, webhook retries): whatever is due by the stored deadlines is applied, then the alarm
   * is re-armed. Idempotent, and fine when late.
   */
  override async alarm(): Promise<void> {
    await this.serialized(async () => {
      if (!this.room) return;
      await this.room.runTimers();
      await this.evidence.applyRetention();
      const target = loadConfig(this.env).webhook;
      if (target) await deliverDue(this.outbox, target, { sessionId: this.room.record.sessionId, audit: (entry) => this.appendAudit(entry) });
      await this.setAlarm(nextAlarm(this.room.record));
    });
  }

  private async socketGone(ws: WebSocket): Promise<void> {
    const att = attachmentOf(ws);
    if (!att || !this.room) return;
    await this.serialized(() => this.room!.disconnect(att.role, att.connectionId, att.from)).catch(() => undefined);
  }

  /**
   * Runs operations one after another: node round trips must not interleave (e.g. two create-rooms).
   * After each, the evidence settles (retention fixed, readiness announced) and the alarm follows.
   */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const step = async () => {
      const out = await fn();
      if (this.room && ((await this.evidence.settle()) || this.alarmStale)) await this.setAlarm(nextAlarm(this.room.record));
      return out;
    };
    const run = this.queue.then(step, step);
    this.queue = run.catch((err: unknown) => {
      log('session_operation_failed', {
        sessionId: this.room?.record.sessionId,
        message: err instanceof Error ? err.message : String(err),
      });
    });
    return run;
  }

  private currentSockets(role: Role): WebSocket[] {
    const id = this.room?.record.participants[role].connectionId;
    if (!id) return [];
    return this.ctx.getWebSockets(role).filter((ws) => attachmentOf(ws)?.connectionId === id && ws.readyState === WebSocket.OPEN);
  }

  private view(record: SessionRecord): SessionView {
    const recordings = toArtifactViews(record.sessionId, this.artifacts.all()).filter((a) => a.kind === 'recording');
    return toSessionView(record, (role) => this.currentSockets(role).length > 0, recordings);
  }

  /**
   * Stores the record and, in the same synchronous step, appends the webhook its change implies
   * (a new state), so an event exists exactly when its state change was stored.
   */
  private async persist(record: SessionRecord): Promise<void> {
    this.ctx.storage.sql.exec(
      'INSERT INTO session (id, data) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data',
      JSON.stringify(record),
    );
    const before = this.persistedState;
    this.persistedState = record.state;
    if (before !== record.state) {
      this.appendWebhook(record, stateEvent(record.state));
      if (this.alarmStale) await this.setAlarm(nextAlarm(record));
    }
  }

  private appendWebhook(record: SessionRecord, type: WebhookEventType, extra?: Parameters<EvidencePorts['webhook']>[1]): void {
    if (!loadConfig(this.env).webhook) return;
    const now = Date.now();
    this.outbox.append(webhookEvent(record, type, now, extra), now);
    this.alarmStale = true;
  }

  private evidencePorts(): EvidencePorts {
    const env = this.env;
    return {
      store: this.artifacts,
      bucket: env.EVIDENCE,
      // Read on use: the configuration is parsed (and cached) per env, not at construction.
      get config() {
        return loadConfig(env);
      },
      now: () => Date.now(),
      record: () => this.room?.record ?? null,
      save: (record) => this.saveAndPublish(record),
      audit: (entry) => this.appendAudit(entry),
      webhook: (type, extra) => this.appendWebhook(this.room!.record, type, extra),
      auditTrail: () => this.auditLog.entries(),
    };
  }

  /** Keeps the directory's snapshot current; a directory failure must not break the call. */
  private async publish(record: SessionRecord): Promise<void> {
    try {
      await directoryStub(this.env).upsert(this.view(record));
    } catch (err) {
      log('directory_update_failed', { sessionId: record.sessionId, message: err instanceof Error ? err.message : String(err) });
    }
    await this.deskLink.sync(record);
  }

  private async saveAndPublish(record: SessionRecord): Promise<void> {
    await this.persist(record);
    await this.publish(record);
  }

  private ports(): RoomPorts {
    return {
      now: () => Date.now(),
      send: (role, message: ServerMessage) => {
        for (const ws of this.currentSockets(role)) {
          try {
            ws.send(JSON.stringify(message));
          } catch {
            // The socket is going away; its close event does the bookkeeping.
          }
        }
      },
      isConnected: (role) => this.currentSockets(role).length > 0,
      closeAll: (code, reason) => {
        for (const ws of this.ctx.getWebSockets()) safeClose(ws, code, reason);
      },
      command: <C extends NodeCommand>(command: C) => {
        const r = this.room!.record;
        return sendNodeCommand({ nodeId: r.nodeId, url: r.nodeUrl }, command, { secret: loadConfig(this.env).nodeSecret });
      },
      save: (record) => this.saveAndPublish(record),
      releaseNode: async () => {
        const sessionId = this.room!.record.sessionId;
        try {
          await registryStub(this.env).release(sessionId);
        } catch (err) {
          log('node_release_failed', { sessionId, message: err instanceof Error ? err.message : String(err) });
        }
      },
      setAlarm: (at) => this.setAlarm(at),
      audit: (entry) => this.appendAudit(entry),
      checklist: () => loadConfig(this.env).checklist,
      reassignNode: (fromNodeId, cause) => registryStub(this.env).reassign(this.room!.record.sessionId, fromNodeId, cause),
      chatHistory: async () => chatReplay(await this.auditLog.latest('chat.message', CHAT_REPLAY_LIMIT)),
      iceServers: async (role) => {
        const turn = loadConfig(this.env).turn;
        // The label names the session and role in the TURN server's logs; it carries no secret.
        return turn ? [await turnIceServer(turn, this.room!.record.sessionId, role, Date.now())] : [];
      },
    };
  }

  /** The customer's pre-call TCP probe (routes/probe.ts): admitted, rate-limited and audited; the room is untouched. */
  async admitProbe(from: string | null): Promise<Awaited<ReturnType<typeof admitProbe>>> {
    return this.serialized(() => admitProbe({ record: this.room?.record ?? null, ledger: this.probeLedger(), now: Date.now(), audit: (e) => this.appendAudit(e), from }));
  }

  /** The browser's outcome of one of this session's probes, audited once. */
  async reportProbe(probeId: string, report: ProbeReport, from: string | null): Promise<Awaited<ReturnType<typeof recordProbeReport>>> {
    return this.serialized(() => recordProbeReport({ record: this.room?.record ?? null, ledger: this.probeLedger(), probeId, report, audit: (e) => this.appendAudit(e), from }));
  }

  private probeLedger(): ProbeLedger {
    this.probes ??= new ProbeLedger(this.ctx.storage.sql);
    return this.probes;
  }

  /** Sets the one alarm to the earliest of the session's timers, its retention and the next webhook attempt. */
  private async setAlarm(timerAt: number | null): Promise<void> {
    this.alarmStale = false;
    // The room passes null once the session ended: the retention deadline then still counts.
    const at = earliestOf(timerAt, this.room ? retentionAt(this.room.record) : null, this.outbox.nextDueAt());
    if (at === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }

  private appendAudit(entry: Parameters<RoomPorts['audit']>[0]): Promise<void> {
    return this.auditLog.append(entry, Date.now());
  }

  private auditCall(caller: Caller | undefined, action: string, detail: Record<string, unknown> = {}): Promise<void> {
    return this.appendAudit({ actor: bankActor(caller), action, detail, from: caller?.from ?? null });
  }
}

function attachmentOf(ws: WebSocket): Attachment | null {
  const value = ws.deserializeAttachment() as Partial<Attachment> | null;
  const role = Role.safeParse(value?.role);
  if (!role.success || typeof value?.connectionId !== 'string') return null;
  return { role: role.data, connectionId: value.connectionId, from: typeof value.from === 'string' ? value.from : null };
}

function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}

function failure(code: Failure['code'], message: string): Failure {
  return { ok: false, code, message };
}

function notFound(): Failure {
  return failure('not_found', 'no such session');
}
