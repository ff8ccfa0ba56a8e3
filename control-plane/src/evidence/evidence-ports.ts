import type { ArtifactView, AuditEntry, Role, ServerMessage, WebhookData, WebhookEventType } from '@vident/protocol';
import type { Config } from '../base/config.ts';
import type { Failure } from '../base/http-error.ts';
import type { SessionRecord } from '../session/session-record.ts';
import type { AuditInput } from '../session/audit-input.ts';
import { failure } from '../session/session-failure.ts';
import { toArtifactViews, type ArtifactStore } from './artifact-store.ts';

/** What the session's evidence logic needs from its Durable Object (storage, bucket, audit, webhooks). */
export interface EvidencePorts {
  store: ArtifactStore;
  bucket: R2Bucket;
  config: Config;
  now(): number;
  /** The session's record; null when the session does not exist. */
  record(): SessionRecord | null;
  /** Persists the record and republishes the session's snapshot (artifacts included). */
  save(record: SessionRecord): Promise<void>;
  audit(entry: AuditInput): Promise<void>;
  /** Appends a webhook about the session as it is now (no-op when webhooks are off). */
  webhook(type: WebhookEventType, extra?: Partial<Pick<WebhookData, 'recording' | 'evidence'>>): void;
  auditTrail(): Promise<{ entries: AuditEntry[]; head: string }>;
  /** Tells a participant's page (e.g. the agent: the customer's still is stored). */
  send(role: Role, message: ServerMessage): void;
}

export const evidenceGone = (): Failure => failure('evidence_deleted', "the session's evidence has been deleted");

/** Every artifact of the session as the bank sees it. */
export function artifactViews(ports: EvidencePorts, record: SessionRecord): ArtifactView[] {
  return toArtifactViews(record.sessionId, ports.store.all());
}

export function isoNow(ports: EvidencePorts): string {
  return new Date(ports.now()).toISOString();
}
