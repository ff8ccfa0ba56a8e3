import { isTerminalState, type ArtifactView, type EvidenceManifest } from '@vident/protocol';
import type { SessionRecord } from '../session/session-record.ts';

/*
 * When a session's evidence is complete, and the manifest that says so. Pure: the Durable Object
 * supplies its record, its artifacts and its audit head, and signs what comes out.
 */

export type Readiness = { status: 'ready' } | { status: 'pending'; pending: string[] } | { status: 'deleted' };

/**
 * The pack is ready once the session has ended, every segment it owes is stored (or its recording
 * was reported failed) and no upload is still in progress. Anything else is listed as pending.
 */
export function evidenceReadiness(r: Pick<SessionRecord, 'state' | 'expectedSegments' | 'evidence'>, artifacts: ArtifactView[]): Readiness {
  if (r.evidence.deletedAt !== null) return { status: 'deleted' };
  const pending: string[] = [];
  if (!isTerminalState(r.state)) pending.push('the session is still active');
  const stored = artifacts.filter((a) => a.state === 'stored');
  for (const seg of r.expectedSegments) {
    const done = stored.some((a) => a.kind === 'recording' && a.participant === seg.participant && a.segment === seg.segment);
    if (!done && seg.failedAt === null) pending.push(`the ${seg.participant}'s recording segment ${seg.segment} is not uploaded yet`);
  }
  for (const a of artifacts) if (a.state === 'uploading') pending.push(`the upload of ${a.artifactId} is in progress`);
  return pending.length ? { status: 'pending', pending } : { status: 'ready' };
}

export interface ManifestInput {
  record: Pick<SessionRecord, 'sessionId' | 'externalRef' | 'state' | 'outcome' | 'createdAt' | 'startedAt' | 'endedAt' | 'consent'>;
  artifacts: ArtifactView[];
  audit: { length: number; head: string };
  signingKeyId: string;
  now: number;
}

/** The manifest of a ready pack: every stored artifact, without its storage bookkeeping. */
export function buildManifest(input: ManifestInput): EvidenceManifest {
  const r = input.record;
  return {
    v: 1,
    sessionId: r.sessionId,
    externalRef: r.externalRef,
    state: r.state,
    outcome: r.outcome,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    consent: r.consent,
    artifacts: input.artifacts
      .filter((a) => a.state === 'stored')
      .map(({ state: _state, deletedAt: _deletedAt, ...rest }) => rest),
    audit: input.audit,
    generatedAt: new Date(input.now).toISOString(),
    signingKeyId: input.signingKeyId,
  };
}
