import {
  ASSESSMENT_CONTENT_TYPE,
  isTerminalState,
  sealBytes,
  sha256Hex,
  toHex,
  type EvidenceAssessment,
  type FaceMatchThresholds,
} from '@vident/protocol';
import { log } from '../base/log.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { objectKey } from './artifact-store.ts';
import { bankKeyOf } from './evidence-keys.ts';
import { hasReview } from './evidence-pack.ts';
import { codeOutcome } from '../session/one-time-code.ts';
import { qualityEvidence, qualityVersion } from '../session/call-quality.ts';
import { isoNow, type EvidencePorts } from './evidence-ports.ts';

/*
 * The session's review sealed for the bank (issue 14): the confirmed document in full, the bank's
 * checks and the face-match results as one JSON artifact (`assessment`, protocol's
 * evidence-assessment.ts), sealed with the bank's public key like a capture and listed in the
 * manifest by its SHA-256. The manifest itself carries the document masked only. Sealed once the
 * session has ended, and again when the review changed since (a bank check posted after the call):
 * the newer artifact replaces the older one, and the audit trail records both.
 */

type ReviewRecord = Pick<SessionRecord, 'sessionId' | 'document' | 'bankChecks' | 'faceMatches'> & Partial<Pick<SessionRecord, 'securityFeatures' | 'oneTimeCode' | 'challenges' | 'quality' | 'cameraSignals' | 'startedAt'>>;

/**
 * Which state of the review an assessment holds. Changes with every document, check and face match
 * (a document is replaced with a new confirmedAt; checks and results are only ever added), and holds
 * no value of them.
 */
export function assessmentVersion(r: Pick<SessionRecord, 'document' | 'bankChecks' | 'faceMatches'> & Partial<Pick<SessionRecord, 'challenges' | 'quality' | 'cameraSignals'>>): string {
  return reviewVersion(r) + qualitySuffix(r);
}

/** The call's quality (issue 15) adds its counts only when there is some: older versions stay as they were. */
function qualitySuffix(r: Partial<Pick<SessionRecord, 'quality' | 'cameraSignals'>>): string {
  const quality = qualityVersion(r);
  return quality ? `|${quality}` : '';
}

function reviewVersion(r: Pick<SessionRecord, 'document' | 'bankChecks' | 'faceMatches'> & Partial<Pick<SessionRecord, 'challenges'>>): string {
  const base = `${r.document?.confirmedAt ?? '-'}|${r.bankChecks?.length ?? 0}|${r.faceMatches?.length ?? 0}`;
  // Liveness challenges (issue 15): issued and reported counts; absent ones leave the version as it was.
  const challenges = r.challenges ?? [];
  return challenges.length > 0 ? `${base}|${challenges.length}/${challenges.filter((c) => c.result !== undefined).length}` : base;
}

/** Whether the ended session's review is not sealed in its current state (ignoring whether a bank key exists). */
export function assessmentPending(r: Pick<SessionRecord, 'document' | 'bankChecks' | 'faceMatches' | 'evidence'> & Partial<Pick<SessionRecord, 'challenges'>>): boolean {
  return hasReview(r) && r.evidence.assessment?.version !== assessmentVersion(r);
}

/** The assessment's plaintext for `r` as it is now. */
export function buildAssessment(r: ReviewRecord, thresholds: FaceMatchThresholds, sealedAt: string): EvidenceAssessment {
  return {
    v: 1,
    sessionId: r.sessionId,
    document: r.document ?? null,
    checks: r.bankChecks ?? [],
    faceMatches: r.faceMatches ?? [],
    faceMatchThresholds: thresholds,
    sealedAt,
    // Issue 15: which security features were drawn (and ticked), the one-time code's course (never the code).
    ...(r.securityFeatures ? { securityFeatures: r.securityFeatures } : {}),
    ...(r.oneTimeCode ? { oneTimeCode: codeOutcome(r.oneTimeCode) } : {}),
    ...withQuality(r),
    ...(r.challenges?.length ? { challenges: r.challenges } : {}),
  };
}

/** The call's quality (issue 15) for the assessment, when any page reported some. */
function withQuality(r: ReviewRecord): { quality?: EvidenceAssessment['quality'] } {
  const quality = qualityEvidence({ ...r, startedAt: r.startedAt ?? null });
  return quality ? { quality } : {};
}

/**
 * Seals the ended session's review into the EVIDENCE bucket when there is one and it is not sealed
 * in this state yet. True when the record changed (the caller saves it). Without EVIDENCE_PUBLIC_KEY
 * nothing is sealed: the full fields then stay in the session for the signed API only.
 */
export async function sealAssessment(ports: EvidencePorts, r: SessionRecord): Promise<boolean> {
  if (!isTerminalState(r.state) || r.evidence.deletedAt !== null || r.evidence.purgedAt !== undefined || !assessmentPending(r)) return false;
  const bank = await bankKeyOf(ports.config.evidence);
  if (!bank) return false;
  const now = isoNow(ports);
  const plain = new TextEncoder().encode(JSON.stringify(buildAssessment(r, ports.config.faceMatchThresholds, now)));
  const sealed = await sealBytes(bank, ASSESSMENT_CONTENT_TYPE, plain);
  const artifactId = `asm-${r.sessionId.slice(0, 8)}-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`;
  const key = objectKey(r.sessionId, artifactId);
  await ports.bucket.put(key, sealed);
  const sha256 = await sha256Hex(sealed);
  const replaced = r.evidence.assessment?.artifactId;
  if (replaced !== undefined) {
    const old = ports.store.get(replaced);
    if (old) await ports.bucket.delete(old.objectKey);
    ports.store.remove(replaced);
  }
  ports.store.insert({
    artifactId,
    kind: 'assessment',
    participant: 'customer',
    capture: null,
    segment: null,
    contentType: ASSESSMENT_CONTENT_TYPE,
    size: sealed.length,
    sha256,
    bankKeyId: bank.keyId,
    partSize: null,
    startedAt: now,
    durationMs: null,
    nodeId: null,
    state: 'stored',
    uploadId: null,
    objectKey: key,
    storedAt: now,
    deletedAt: null,
  });
  r.evidence.assessment = { artifactId, version: assessmentVersion(r) };
  await ports.audit({
    actor: 'system',
    action: 'assessment.sealed',
    detail: { artifactId, sha256, size: sealed.length, ...(replaced !== undefined ? { replaces: replaced } : {}) },
  });
  log('assessment_sealed', { sessionId: r.sessionId, artifactId, size: sealed.length });
  return true;
}
