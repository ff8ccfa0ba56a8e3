import { isTerminalState, type ErrorCode, type NodeCommand, type Role, type SessionView, type WebhookEventType } from '@vident/protocol';
import { loadConfig } from '../base/config.ts';
import { deskStub, directoryStub, registryStub, type Env } from '../base/env.ts';
import type { Failure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import { ArtifactStore, toArtifactViews } from '../evidence/artifact-store.ts';
import { EvidenceLifecycle } from '../evidence/evidence-lifecycle.ts';
import type { EvidencePorts } from '../evidence/evidence-ports.ts';
import { EvidenceUploads } from '../evidence/evidence-uploads.ts';
import { controlPlaneSigningKey } from '../fleet/node-signing-keys.ts';
import { enrolledTarget, sendSignedCommand, type CommandOutcome, type SignedTarget } from '../fleet/node-client.ts';
import type { AuditInput } from './audit-input.ts';
import { AuditLog } from './audit-log.ts';
import { CHAT_REPLAY_LIMIT, chatReplay } from './chat-history.ts';
import { DeskLink } from './desk-link.ts';
import { funnelFactsOf } from './funnel-facts.ts';
import { FunnelMarks } from './funnel-marks.ts';
import { ParticipantSockets } from './participant-sockets.ts';
import { noSession } from './session-failure.ts';
import { normalizeRecord, ROLES, toSessionView, type SessionRecord } from './session-record.ts';
import { SessionConduct } from './session-conduct.ts';
import { purgePersonalData } from './session-purge.ts';
import { JoinBudget, PARTICIPANT_ACTORS } from './session-limits.ts';
import type { SessionPorts } from './session-ports.ts';
import { earliestOf, nextAlarm, retentionAt } from './session-timers.ts';
import { stateEvent, webhookEvent } from './session-webhooks.ts';
import { StoredTables } from './stored-tables.ts';
import { turnIceServer } from './turn-credentials.ts';
import { deliverDue, WebhookOutbox } from './webhook-outbox.ts';

/*
 * What every caller group of a VerificationSession (bank, browsers, media node, desk, evidence)
 * shares inside its Durable Object. One concept, the session's stored state and how it changes:
 * loading it once, running one operation at a time, storing the record with the webhook its change
 * implies, publishing the snapshot, and keeping the one alarm on the earliest deadline. The conduct's
 * ports are wired here because each of them is one of those steps or a socket.
 */

/** A failed directory write is tried again from the alarm after this long, doubling up to the maximum. */
const DIRECTORY_RETRY_FIRST_MS = 1_000;
const DIRECTORY_RETRY_MAX_MS = 60_000;

/** How long a session trusts its node's enrolment before asking the registry again. */
const NODE_TARGET_TTL_MS = 60_000;

/**
 * The session's record and conduct, storage, sockets and evidence, and the one-at-a-time queue that
 * every RPC call and socket event runs through.
 */
export class SessionCore {
  /** How the session is conducted (relay, node events, lifecycle); null until the bank created it. */
  conduct: SessionConduct | null = null;
  readonly sockets: ParticipantSockets;
  uploads!: EvidenceUploads;
  evidence!: EvidenceLifecycle;
  /** The tables the object's SQLite had when it loaded: each store below is made (its tables created) on first use. */
  private tables!: StoredTables;
  private stores: { audit?: AuditLog; artifacts?: ArtifactStore; funnel?: FunnelMarks; joins?: JoinBudget; outbox?: WebhookOutbox } = {};
  /** The `session` table exists (a new object creates it with the record). */
  private sessionTable = false;
  /** The alarm as this object last set or read it; undefined when not known (getAlarm asks). */
  private alarmAt: number | null | undefined = undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Tells the agents' desk when this session's customer starts and stops waiting. */
  private readonly deskLink: DeskLink;
  /** The state the stored record had last, to tell when a save must append a state webhook. */
  private persistedState: SessionRecord['state'] | null = null;
  /** A webhook was appended: the alarm must be re-armed for its delivery. */
  private alarmStale = false;
  /**
   * The directory's row as this object last wrote it (memory only: after an eviction the first save
   * writes it once more). A save that changes nothing the directory shows writes nothing: relayed
   * frames (media state, chat, trickle) reach no singleton.
   */
  private published: string | null = null;
  /**
   * After a failed directory write: when the alarm writes it again, and the wait after that one.
   * Memory only: a woken object has no `published` row and writes it on its first alarm anyway.
   */
  private directoryRetry: { at: number; delayMs: number } | null = null;
  /** The session's node as the registry enrolled it, so commands do not each ask the registry. */
  private node: { target: SignedTarget; until: number } | null = null;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.sockets = new ParticipantSockets(ctx, (role) => this.conduct?.record.participants[role].connectionId ?? null);
    this.deskLink = new DeskLink(() => deskStub(env));
    void ctx.blockConcurrencyWhile(async () => {
      this.tables = new StoredTables(ctx.storage.sql);
      this.sessionTable = this.tables.had('session');
      // A new object has no alarm; an existing one's is asked once.
      if (!this.sessionTable) this.alarmAt = null;
      const evidencePorts = this.evidencePorts();
      this.uploads = new EvidenceUploads(evidencePorts);
      this.evidence = new EvidenceLifecycle(evidencePorts);
      const row = this.sessionTable ? ctx.storage.sql.exec<{ data: string }>('SELECT data FROM session WHERE id = 1').toArray()[0] : undefined;
      if (row) {
        const record = normalizeRecord(JSON.parse(row.data) as SessionRecord);
        this.persistedState = record.state;
        this.conduct = new SessionConduct(record, this.ports());
        // Media flags a page sent since the record was last stored are kept with its socket.
        for (const role of ROLES) {
          const media = this.sockets.keptMedia(role);
          if (media) Object.assign(record.participants[role], media);
        }
      }
    });
  }

  /** The session's hash-chained audit trail (its tables are created on first use). */
  get auditLog(): AuditLog {
    return (this.stores.audit ??= new AuditLog(this.ctx.storage.sql, this.tables.had('audit')));
  }

  /** The session's evidence artifacts. */
  get artifacts(): ArtifactStore {
    return (this.stores.artifacts ??= new ArtifactStore(this.ctx.storage.sql));
  }

  /** What the customer's page did before joining, for the funnel (funnel-marks.ts). */
  get funnelMarks(): FunnelMarks {
    return (this.stores.funnel ??= new FunnelMarks(this.ctx.storage.sql));
  }

  private get joins(): JoinBudget {
    return (this.stores.joins ??= new JoinBudget(this.ctx.storage.sql, () => loadConfig(this.env).limits));
  }

  private get outbox(): WebhookOutbox {
    return (this.stores.outbox ??= new WebhookOutbox(this.ctx.storage.sql));
  }

  /** Whether a store's table may hold rows: made in this object's life, or there when it loaded. */
  private holds(store: keyof SessionCore['stores'], table: string): boolean {
    return this.stores[store] !== undefined || this.tables.had(table);
  }

  /** Stores a new session's record, then conducts it (a failed store leaves no session). */
  async create(record: SessionRecord): Promise<SessionConduct> {
    const conduct = new SessionConduct(record, this.ports());
    await this.persist(conduct.record);
    this.conduct = conduct;
    return conduct;
  }

  /**
   * Runs operations one after another: node round trips must not interleave (e.g. two create-rooms).
   * After each, the evidence settles (retention fixed, readiness announced) and the alarm follows.
   */
  serialized<T>(fn: () => Promise<T>): Promise<T> {
    const step = async () => {
      const out = await fn();
      if (this.conduct && ((await this.evidence.settle()) || this.alarmStale)) await this.setAlarm(nextAlarm(this.conduct.record));
      return out;
    };
    const run = this.queue.then(step, step);
    this.queue = run.catch((err: unknown) => {
      log('session_operation_failed', {
        sessionId: this.conduct?.record.sessionId,
        message: err instanceof Error ? err.message : String(err),
      });
    });
    return run;
  }

  /** Runs `fn` in the queue with the session's conduct; no session answers not_found. */
  withSession<T>(fn: (conduct: SessionConduct) => Promise<T>): Promise<T | Failure> {
    return this.serialized(async () => (this.conduct ? fn(this.conduct) : noSession()));
  }

  /**
   * One alarm serves every timer (link expiry, maximum duration, reconnect graces, evidence
   * retention, webhook retries): whatever is due by the stored deadlines is applied, then the alarm
   * is re-armed. Idempotent, and fine when late.
   */
  async alarm(): Promise<void> {
    // A running alarm is no longer set: the next setAlarm must not take it for the one it would set.
    this.alarmAt = undefined;
    await this.serialized(async () => {
      if (!this.conduct) return;
      await this.conduct.runTimers();
      // A directory row not known to be written (a failed write, or an object woken from storage) is written now.
      if (this.directoryRetry || this.published === null) await this.publish(this.conduct.record);
      const retention = retentionAt(this.conduct.record);
      if (retention !== null && retention <= Date.now()) await this.purge(this.conduct.record);
      const target = loadConfig(this.env).webhook;
      if (target) await deliverDue(this.outbox, target, { sessionId: this.conduct.record.sessionId, audit: (entry) => this.appendAudit(entry) });
      await this.setAlarm(nextAlarm(this.conduct.record));
    });
  }

  view(record: SessionRecord): SessionView {
    const stored = this.holds('artifacts', 'artifacts') ? this.artifacts.all() : [];
    const recordings = toArtifactViews(record.sessionId, stored).filter((a) => a.kind === 'recording');
    return toSessionView(record, (role) => this.sockets.isConnected(role), recordings);
  }

  /**
   * Whether one more socket of `role` may open: the role's joins per minute (a reconnect loop) and
   * the participants' audit rows (each join writes some). Null when admitted; else the refusal.
   */
  async admitJoin(role: Role): Promise<{ code: ErrorCode; status: 409 | 429; message: string; headers?: Record<string, string> } | null> {
    const limits = loadConfig(this.env).limits;
    const joined = this.joins.admit(role, Date.now());
    if (!joined.ok) {
      log('join_rate_limited', { sessionId: this.conduct?.record.sessionId, role });
      return {
        code: 'rate_limited',
        status: 429,
        message: `at most ${limits.joinsPerMinute} connections a minute for the ${role}; try again in ${joined.retryAfterSeconds} s`,
        headers: { 'retry-after': String(joined.retryAfterSeconds) },
      };
    }
    if ((await this.auditLog.count({ actors: PARTICIPANT_ACTORS })) >= limits.participantAuditRows) {
      return { code: 'limit_reached', status: 409, message: "the session's audit trail is full: no more connections" };
    }
    return null;
  }

  appendAudit(entry: AuditInput): Promise<void> {
    return this.auditLog.append(entry, Date.now());
  }

  async saveAndPublish(record: SessionRecord): Promise<void> {
    await this.persist(record);
    await this.publish(record);
  }

  /**
   * Retention ended: the evidence and the session's own records go. The audit trail is cut first,
   * keeping its head (what the bank last read, or a manifest signed, verifies up to it), so the
   * evidence deletion and session.purged are the entries that follow on from it. Then the
   * record keeps no personal field, the artifact rows and probe results are dropped, and the
   * directory forgets the session. Run again (an alarm may repeat), it finds nothing left to do.
   */
  private async purge(record: SessionRecord): Promise<void> {
    const sql = this.ctx.storage.sql;
    const kept = await this.auditLog.purge(this.ctx.storage);
    await this.evidence.applyRetention();
    const artifacts = this.artifacts.purge();
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'probe'").toArray().length) sql.exec('DELETE FROM probe');
    purgePersonalData(record, new Date().toISOString());
    await this.appendAudit({ actor: 'system', action: 'session.purged', detail: { entries: kept.length, head: kept.head, artifacts } });
    await this.saveAndPublish(record);
    log('session_purged', { sessionId: record.sessionId, entries: kept.length, artifacts });
  }

  /**
   * Keeps the directory's snapshot current (a purged session leaves it); a directory failure must not
   * break the call, and is not lost either: the alarm writes the row again (after 1 s, then twice as
   * long each time up to a minute) until it is written. An ended session's snapshot carries its
   * funnel facts: the funnel costs no request of its own. Never throws.
   */
  async publish(record: SessionRecord): Promise<void> {
    try {
      if (record.evidence.purgedAt) {
        await directoryStub(this.env).forget(record.sessionId);
      } else {
        const funnel = isTerminalState(record.state) ? funnelFactsOf(record, this.funnelMarks.read()) : undefined;
        const view = this.view(record);
        const row = JSON.stringify([view, funnel ?? null]);
        if (row !== this.published) {
          await directoryStub(this.env).upsert(view, funnel);
          this.published = row;
        }
      }
      this.directoryRetry = null;
    } catch (err) {
      log('directory_update_failed', { sessionId: record.sessionId, message: err instanceof Error ? err.message : String(err) });
      const delayMs = Math.min(DIRECTORY_RETRY_MAX_MS, this.directoryRetry ? this.directoryRetry.delayMs * 2 : DIRECTORY_RETRY_FIRST_MS);
      this.directoryRetry = { at: Date.now() + delayMs, delayMs };
      await this.setAlarm(this.conduct ? nextAlarm(this.conduct.record) : null).catch(() => undefined);
    }
    if (!record.evidence.purgedAt) await this.deskLink.sync(record);
  }

  /** Sets the one alarm to the earliest of the session's timers, its retention and the next webhook attempt. */
  async setAlarm(timerAt: number | null): Promise<void> {
    this.alarmStale = false;
    // The conduct passes null once the session ended: the retention deadline then still counts.
    const webhookAt = this.holds('outbox', 'webhook_outbox') ? this.outbox.nextDueAt() : null;
    const at = earliestOf(timerAt, this.conduct ? retentionAt(this.conduct.record) : null, webhookAt, this.directoryRetry?.at ?? null);
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt === at) return;
    // Forgotten first: a failed call leaves the alarm unknown, to be asked again.
    this.alarmAt = undefined;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  /**
   * Stores the record and, in the same synchronous step, appends the webhook its change implies
   * (a new state), so an event exists exactly when its state change was stored.
   */
  private async persist(record: SessionRecord): Promise<void> {
    if (!this.sessionTable) {
      this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL)');
      this.sessionTable = true;
    }
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

  /** The registry says the node is gone (nodeLost): its enrolment is asked again before any command. */
  forgetNode(nodeId: string): void {
    if (this.node?.target.nodeId === nodeId) this.node = null;
  }

  /**
   * A command to the session's node. Its enrolment is asked of the registry once per node and
   * minute: a revoked node's sessions are told at once (nodeLost moves them to another node id), and
   * a failed command forgets it, so the registry is asked again on the next.
   */
  private async command<C extends NodeCommand>(command: C): Promise<CommandOutcome<C['type']>> {
    const nodeId = this.conduct!.record.nodeId;
    const now = Date.now();
    if (!this.node || this.node.target.nodeId !== nodeId || this.node.until <= now) {
      const enrolled = await enrolledTarget(this.env, nodeId);
      if (!enrolled.ok) return enrolled;
      this.node = { target: enrolled.target, until: now + NODE_TARGET_TTL_MS };
    }
    const out = await sendSignedCommand(this.node.target, command, { signingKey: await controlPlaneSigningKey(loadConfig(this.env)) });
    if (!out.ok) this.node = null;
    return out;
  }

  private evidencePorts(): EvidencePorts {
    const env = this.env;
    const core = this;
    return {
      // The store is made on first use (its tables created then).
      get store() {
        return core.artifacts;
      },
      bucket: env.EVIDENCE,
      // Read on use: the configuration is parsed (and cached) per env, not at construction.
      get config() {
        return loadConfig(env);
      },
      now: () => Date.now(),
      record: () => this.conduct?.record ?? null,
      save: (record) => this.saveAndPublish(record),
      audit: (entry) => this.appendAudit(entry),
      webhook: (type, extra) => this.appendWebhook(this.conduct!.record, type, extra),
      auditTrail: () => this.auditLog.entries(),
      send: (role, message) => this.sockets.send(role, message),
    };
  }

  private ports(): SessionPorts {
    return {
      now: () => Date.now(),
      send: (role, message) => this.sockets.send(role, message),
      isConnected: (role) => this.sockets.isConnected(role),
      closeAll: (code, reason) => this.sockets.closeAll(code, reason),
      command: (command) => this.command(command),
      save: (record) => this.saveAndPublish(record),
      keepMedia: (role, media) => this.sockets.keepMedia(role, media),
      releaseNode: async () => {
        const sessionId = this.conduct!.record.sessionId;
        try {
          await registryStub(this.env).release(sessionId);
        } catch (err) {
          log('node_release_failed', { sessionId, message: err instanceof Error ? err.message : String(err) });
        }
      },
      setAlarm: (at) => this.setAlarm(at),
      audit: (entry) => this.appendAudit(entry),
      auditRows: (filter) => this.auditLog.count(filter),
      limits: () => loadConfig(this.env).limits,
      checklist: () => loadConfig(this.env).checklist,
      requiredBankChecks: () => loadConfig(this.env).requiredBankChecks,
      faceMatchThresholds: () => loadConfig(this.env).faceMatchThresholds,
      qualityThresholds: () => loadConfig(this.env).qualityThresholds,
      procedure: () => ({ ...loadConfig(this.env).procedure, codeSecret: loadConfig(this.env).tokenSecret }),
      webhook: (type) => this.appendWebhook(this.conduct!.record, type),
      reassignNode: (fromNodeId, cause) => registryStub(this.env).reassign(this.conduct!.record.sessionId, fromNodeId, cause),
      chatHistory: async () => chatReplay(await this.auditLog.latest('chat.message', CHAT_REPLAY_LIMIT)),
      iceServers: async (role) => {
        const turn = loadConfig(this.env).turn;
        // The label names the session and role in the TURN server's logs; it carries no secret.
        return turn ? [await turnIceServer(turn, this.conduct!.record.sessionId, role, Date.now())] : [];
      },
    };
  }
}
