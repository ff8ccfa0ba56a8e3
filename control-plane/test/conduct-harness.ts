import { DEFAULT_FACE_MATCH_THRESHOLDS, DEFAULT_QUALITY_THRESHOLDS, DEFAULT_SECURITY_FEATURES, type ClientMessage, type NodeCommand, type Role, type ServerMessage } from '@vident/protocol';
import type { CommandOutcome } from '../src/fleet/node-client.ts';
import type { AuditInput } from '../src/session/audit-input.ts';
import { SessionConduct } from '../src/session/session-conduct.ts';
import type { SessionPorts } from '../src/session/session-ports.ts';
import { newSessionRecord, type SessionRecord } from '../src/session/session-record.ts';
import { DEFAULT_SESSION_LIMITS } from '../src/session/session-limits.ts';
import { DEFAULT_CHECKLIST } from '../src/session/verification-checklist.ts';

/*
 * A session conducted over fake ports, for the unit tests of the signaling relay and the node's
 * events (src/session/*.test.ts): no Durable Object, no socket, no node. The fakes record what
 * each page was sent, what the node was commanded and what was audited.
 */

/** What the fake node answers a command. */
export type Outcome = CommandOutcome<NodeCommand['type']>;

/** The fake clock: every port's now(). */
export const NOW = Date.parse('2026-12-01T10:00:00Z');
/** Each role's current connection id. */
export const CONNECTION = { customer: 'conn-customer', agent: 'conn-agent' } as const;

/** A session with both pages connected, on node-a, and fake ports that record everything. */
export function session(
  options: { record?: boolean; state?: SessionRecord['state']; answer?: (c: NodeCommand) => Outcome; reassign?: { nodeId: string; url: string } | null; requiredBankChecks?: string[] } = {},
) {
  const record = newSessionRecord({
    sessionId: 'session-1',
    request: { externalRef: 'ref-1', customerName: 'Kim', locale: 'ko', record: options.record ?? false, metadata: {} },
    nodeId: 'node-a',
    nodeUrl: 'http://node-a',
    createdAt: NOW,
    expiresAt: NOW + 30 * 60_000,
    linkExpiresAt: NOW + 10 * 60_000,
    reconnectGraceMs: 30_000,
  });
  record.state = options.state ?? 'waiting';
  for (const role of ['customer', 'agent'] as const) record.participants[role].connectionId = CONNECTION[role];
  const sent: Array<{ to: Role; message: ServerMessage }> = [];
  const commands: NodeCommand[] = [];
  const audits: AuditInput[] = [];
  const webhooks: string[] = [];
  /** The record as each save stored it (a copy), and sends and saves in the order they happened. */
  const stored: SessionRecord[] = [];
  const order: string[] = [];
  const calls = { saves: 0, closedAll: 0, releasedNode: 0, reassigned: [] as string[], keptMedia: [] as Array<{ role: Role; audio: boolean; video: boolean }> };
  const answer =
    options.answer ??
    ((c: NodeCommand): Outcome => ({ ok: true, result: c.type === 'publish' || c.type === 'subscribe' ? { sdp: `v=0 answer-${c.type}` } : {} }) as Outcome);
  const ports: SessionPorts = {
    now: () => NOW,
    send: (to, message) => {
      sent.push({ to, message });
      order.push(`${message.type} -> ${to}`);
    },
    isConnected: (role) => record.participants[role].connectionId !== null,
    closeAll: () => {
      calls.closedAll++;
    },
    command: async <C extends NodeCommand>(command: C) => {
      commands.push(command);
      return answer(command) as CommandOutcome<C['type']>;
    },
    save: async (saved) => {
      calls.saves++;
      stored.push(structuredClone(saved));
      order.push('save');
    },
    keepMedia: (role, media) => {
      calls.keptMedia.push({ role, audio: media.audio, video: media.video });
    },
    releaseNode: async () => {
      calls.releasedNode++;
    },
    setAlarm: async () => undefined,
    audit: async (entry) => {
      audits.push(entry);
    },
    auditRows: async (filter) =>
      audits.filter((a) => (filter.action === undefined || a.action === filter.action) && (filter.actors === undefined || filter.actors.includes(a.actor))).length,
    limits: () => DEFAULT_SESSION_LIMITS,
    checklist: () => DEFAULT_CHECKLIST,
    requiredBankChecks: () => options.requiredBankChecks ?? [],
    faceMatchThresholds: () => DEFAULT_FACE_MATCH_THRESHOLDS,
    qualityThresholds: () => DEFAULT_QUALITY_THRESHOLDS,
    procedure: () => ({
      oneTimeCode: 'off',
      oneTimeCodeTtlMs: 600_000,
      securityFeatures: DEFAULT_SECURITY_FEATURES,
      featuresPerSession: 3,
      deleteRecordingsOnAbort: false,
      codeSecret: 'test-token-secret-0123456789abcdef',
    }),
    webhook: (type) => {
      webhooks.push(type);
    },
    chatHistory: async () => [],
    iceServers: async () => [],
    reassignNode: async (fromNodeId) => {
      calls.reassigned.push(fromNodeId);
      return options.reassign ?? null;
    },
  };
  const conduct = new SessionConduct(record, ports);
  const send = (role: Role, frame: ClientMessage | string) => conduct.message(role, CONNECTION[role], typeof frame === 'string' ? frame : JSON.stringify(frame));
  const to = (role: Role) => sent.filter((s) => s.to === role).map((s) => s.message);
  /** What storage holds: the record as the last save stored it (null before any). */
  const inStorage = () => stored.at(-1) ?? null;
  return { record, conduct, send, sent, to, commands, audits, calls, webhooks, stored, inStorage, order };
}
