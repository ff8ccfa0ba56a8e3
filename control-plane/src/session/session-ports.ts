import type { FaceMatchThresholds, IceServer, QualityThresholds, NodeCommand, Role, ServerMessage, VerificationChecklist, WebhookEventType } from '@vident/protocol';
import type { CommandOutcome } from '../fleet/node-client.ts';
import type { AuditInput } from './audit-input.ts';
import type { AuditFilter } from './audit-log.ts';
import type { ProcedureConfig } from '../base/config.ts';
import type { SessionLimits } from './session-limits.ts';
import type { SessionRecord } from './session-record.ts';

/**
 * The I/O a session's conduct (relay, node events, lifecycle, failover) needs; the
 * VerificationSession Durable Object provides it (session-core.ts), a test provides fakes.
 */
export interface SessionPorts {
  now(): number;
  /** Delivers to the role's current connection, if any. Never throws. */
  send(role: Role, message: ServerMessage): void;
  isConnected(role: Role): boolean;
  closeAll(code: number, reason: string): void;
  command<C extends NodeCommand>(command: C): Promise<CommandOutcome<C['type']>>;
  /** Persists the record (and publishes its snapshot). */
  save(record: SessionRecord): Promise<void>;
  /**
   * Keeps a participant's media flags (already set in the record) without storing the record: they
   * change per frame and are kept with the role's socket, surviving hibernation (participant-sockets.ts).
   */
  keepMedia(role: Role, media: { audio: boolean; video: boolean }): void;
  /** Frees the session's slot on its node. */
  releaseNode(): Promise<void>;
  /** Sets the one alarm to `at` (ms since epoch), or deletes it. */
  setAlarm(at: number | null): Promise<void>;
  /** Appends to the session's audit trail. Never given a secret or a token. */
  audit(entry: AuditInput): Promise<void>;
  /** How many audit entries match (the per-session caps count chat lines and the participants' rows). */
  auditRows(filter: AuditFilter): Promise<number>;
  /** The per-session budgets (configuration, read on use). */
  limits(): SessionLimits;
  /** The configured verification checklist (read on use, like the rest of the configuration). */
  checklist(): VerificationChecklist;
  /** The bank check kinds an approval waits for (REQUIRED_BANK_CHECKS). */
  requiredBankChecks(): readonly string[];
  /** The face-match thresholds results must be computed with (FACE_MATCH_THRESHOLD, FACE_MATCH_NO_MATCH_THRESHOLD). */
  faceMatchThresholds(): FaceMatchThresholds;
  /** The quality gate's thresholds (QUALITY_*), sent to the agent's page (issue 15). */
  qualityThresholds(): QualityThresholds;
  /** The procedure's controls (issue 15) and the secret the one-time code is hashed and sealed with (TOKEN_SECRET). */
  procedure(): ProcedureConfig & { codeSecret: string };
  /** Appends a webhook about the record as it is (ids and state only) for delivery; no-op with webhooks off. */
  webhook(type: WebhookEventType): void;
  /** The call's latest chat messages, oldest first (see chat-history.ts), for a (re)joining participant. */
  chatHistory(): Promise<ServerMessage[]>;
  /** TURN servers with fresh credentials for this participant (empty when TURN is not configured). */
  iceServers(role: Role): Promise<IceServer[]>;
  /** Asks the fleet for another node than `fromNodeId` (null: none has room). */
  reassignNode(fromNodeId: string, cause: string): Promise<{ nodeId: string; url: string } | null>;
}
