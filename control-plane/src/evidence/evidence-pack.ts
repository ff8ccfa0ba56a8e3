import { isTerminalState, maskedDocument, type ArtifactView, type EvidenceManifest, type EvidenceReview } from '@vident/protocol';
import type { SessionRecord } from '../session/session-record.ts';
import { qualityEvidence } from '../session/call-quality.ts';

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
  // A recording deleted after an abort (abort-recordings.ts) was delivered before: it no longer holds the pack back.
  const stored = artifacts.filter((a) => a.state === 'stored' || (a.kind === 'recording' && a.state === 'deleted'));
  for (const seg of r.expectedSegments) {
    const done = stored.some((a) => a.kind === 'recording' && a.participant === seg.participant && a.segment === seg.segment);
    if (!done && seg.failedAt === null) pending.push(`the ${seg.participant}'s recording segment ${seg.segment} is not uploaded yet`);
  }
  for (const a of artifacts) if (a.state === 'uploading') pending.push(`the upload of ${a.artifactId} is in progress`);
  return pending.length ? { status: 'pending', pending } : { status: 'ready' };
}

export interface ManifestInput {
  record: Pick<SessionRecord, 'sessionId' | 'externalRef' | 'state' | 'outcome' | 'createdAt' | 'startedAt' | 'endedAt' | 'consent' | 'document' | 'bankChecks' | 'faceMatches'>;
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
    // Absent rather than empty: a pack without a review signs the same manifest as before.
    ...(hasReview(r) ? { review: manifestReview(r) } : {}),
    generatedAt: new Date(input.now).toISOString(),
    signingKeyId: input.signingKeyId,
  };
}

type ReviewRecord = Pick<SessionRecord, 'document' | 'bankChecks' | 'faceMatches'> & Partial<Pick<SessionRecord, 'challenges' | 'quality' | 'cameraSignals' | 'startedAt'>>;

/** Whether the session has anything of a review (a document, a bank check, a face match, a liveness challenge, the call's quality or a camera signal). */
export function hasReview(r: ReviewRecord): boolean {
  return r.document !== undefined || (r.bankChecks?.length ?? 0) > 0 || (r.faceMatches?.length ?? 0) > 0 || (r.challenges?.length ?? 0) > 0 || r.quality !== undefined || (r.cameraSignals?.length ?? 0) > 0;
}

/**
 * The review as the manifest carries it: the document masked (no full number, no MRZ); the full
 * fields are in the sealed assessment (evidence-assessment.ts), which the manifest lists by hash.
 */
export function manifestReview(r: ReviewRecord): EvidenceReview {
  return {
    document: r.document ? maskedDocument(r.document) : null,
    checks: r.bankChecks ?? [],
    faceMatches: r.faceMatches ?? [],
    // Liveness challenges (issue 15): actions, outcomes, times and figures; no image, nothing identifying.
    ...(r.challenges?.length ? { challenges: r.challenges } : {}),
    // The call's quality per minute, the gate's changes and the camera risk flags (issue 15).
    ...qualityOf(r),
  };
}

function qualityOf(r: ReviewRecord): { quality?: EvidenceReview['quality'] } {
  const quality = qualityEvidence({ ...r, startedAt: r.startedAt ?? null });
  return quality ? { quality } : {};
}

/**
 * Largest evidence pack answered, as one JSON text (it crosses Durable Object RPC, whose messages
 * are limited to 32 MiB). The session's caps keep a pack far below it: the participants write at
 * most SESSION_AUDIT_ROWS rows (5,000: ~2.5 MB), of which at most SESSION_CHAT_LINES chat lines
 * (500 x 1,000 characters: ~3 MB at most), the nodes a few rows per segment (SESSION_SEGMENTS per
 * role) and the agent SESSION_CAPTURES captures; what remains is the bank's own audited calls (~300
 * bytes each). A pack past the bound is refused with limit_reached instead of sent in part.
 */
export const MAX_EVIDENCE_PACK_BYTES = 24 * 1024 * 1024;

/** Whether a pack's JSON text is larger than `maxBytes` (MAX_EVIDENCE_PACK_BYTES) in UTF-8. */
export function exceedsPackBound(json: string, maxBytes = MAX_EVIDENCE_PACK_BYTES): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: most packs are answered without encoding them.
  if (json.length * 3 <= maxBytes) return false;
  return new TextEncoder().encode(json).byteLength > maxBytes;
}
