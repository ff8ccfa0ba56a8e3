import * as z from 'zod/mini';
import { SessionId, Timestamp } from './common.ts';
import { BankCheck, ConfirmedDocument, DocumentFields, maskDocumentFields } from './document.ts';
import { FaceMatchThresholds, RecordedFaceMatch } from './face-match.ts';
import { CallQualityEvidence } from './call-quality.ts';
import { OneTimeCodeOutcome } from './one-time-code.ts';
import { DrawnSecurityFeatures } from './security-features.ts';
import { RecordedChallenge } from './liveness-challenges.ts';

/*
 * The session's review (issue 14) in the evidence: the ID document the agent confirmed, the bank's
 * checks and the face-match results. It goes into the pack twice:
 * - in the signed manifest (`review`), readable by anyone holding the pack: the document masked
 *   (numbers as YYMMDD-G******, no MRZ: a passport's MRZ can carry a personal number), the checks and
 *   the face-match results;
 * - in full in the sealed artifact `assessment.json.venc` (kind `assessment`, application/json,
 *   sealed with the bank's key like every other artifact; its SHA-256 is in the manifest), which only
 *   the bank's private key opens: the fields as confirmed, their sources, the plausibility results,
 *   the checks, every face-match result with the thresholds in force.
 */

/** A masked registration number as maskResidentNumber writes it. */
const MaskedNumber = z.string().check(z.regex(/^(\d{6}-\d|\*{6}-\*)\*{6}$/, 'a masked number (YYMMDD-G******)'));

/** Document fields as the manifest carries them: numbers masked, no MRZ. */
export const MaskedDocumentFields = z.extend(z.omit(DocumentFields, { mrz: true }), {
  residentNumber: z.optional(MaskedNumber),
  registrationNumber: z.optional(MaskedNumber),
});
export type MaskedDocumentFields = z.infer<typeof MaskedDocumentFields>;

/** The confirmed document as the manifest carries it (see MaskedDocumentFields). */
export const MaskedDocument = z.extend(ConfirmedDocument, { fields: MaskedDocumentFields });
export type MaskedDocument = z.infer<typeof MaskedDocument>;

/** The manifest's `review`: nothing in it identifies the customer outright. */
export const EvidenceReview = z.object({
  document: z.nullable(MaskedDocument),
  checks: z.array(BankCheck),
  faceMatches: z._default(z.array(RecordedFaceMatch), []),
  /** The liveness challenges issued and what the agent's page measured (issue 15; figures only, no images). Absent: none issued. */
  challenges: z.optional(z.array(RecordedChallenge)),
  /** The call's quality per minute, the gate's changes and the camera risk flags (issue 15); absent: none reported. */
  quality: z.optional(CallQualityEvidence),
});
export type EvidenceReview = z.infer<typeof EvidenceReview>;

/** The plaintext of the sealed `assessment` artifact (assessment.json once decrypted). */
export const EvidenceAssessment = z.object({
  v: z.literal(1),
  sessionId: SessionId,
  /** The document in full, as the agent confirmed it (null when none was). */
  document: z.nullable(ConfirmedDocument),
  checks: z.array(BankCheck),
  /** Every face-match result the agent's page sent, oldest first (model, version, scores, bands, times). */
  faceMatches: z.array(RecordedFaceMatch),
  /** The thresholds the session held results to when it sealed this (each result names its own too). */
  faceMatchThresholds: FaceMatchThresholds,
  sealedAt: Timestamp,
  /** The security features the session drew (issue 15) and which of them the agent ticked; absent: none drawn. */
  securityFeatures: z.optional(z.extend(DrawnSecurityFeatures, { ticked: z.optional(z.array(z.string())) })),
  /** The one-time code's course (issue 15), never the code; absent: the session asked for none. */
  oneTimeCode: z.optional(OneTimeCodeOutcome),
  /** The liveness challenges (issue 15), oldest first, each with the agent's page's result if it reported one; absent: none issued. */
  challenges: z.optional(z.array(RecordedChallenge)),
  /** The call's quality per minute, the gate's changes and the camera risk flags (issue 15); absent: none reported. */
  quality: z.optional(CallQualityEvidence),
});
export type EvidenceAssessment = z.infer<typeof EvidenceAssessment>;

/** The content type of the sealed assessment's plaintext. */
export const ASSESSMENT_CONTENT_TYPE = 'application/json';

/** The document as the manifest carries it: numbers masked, the MRZ left out. */
export function maskedDocument(d: ConfirmedDocument): MaskedDocument {
  const { mrz: _mrz, ...fields } = maskDocumentFields(d.fields);
  return { ...d, fields };
}
