import {
  isTerminalState,
  maskResidentNumber,
  MAX_BANK_CHECKS,
  MAX_FACE_MATCH_RESULTS,
  missingBankChecks,
  type BankCheck,
  type BankCheckRequest,
  type ConfirmedDocument,
  type DocumentConfirmation,
  type DocumentFieldName,
  type ErrorCode,
  type FaceMatchResult,
  type FaceMatchThresholds,
  type RecordedFaceMatch,
  type Role,
  type SessionState,
} from '@vident/protocol';

/*
 * The session's review (issue 14): the ID document the agent confirmed, the bank's checks on it and
 * the face-match results the agent's page computed: whether a step may happen and what the audit
 * trail says about it. Pure: the signaling relay and the bank calls
 * store, audit and deliver. An audit detail never holds a full resident or registration number,
 * nor the other fields' values: which fields were there, the number masked, the rules' results.
 */

export type Refusal = { ok: false; code: ErrorCode; message: string };

/** The document, checks and face matches a session keeps (absent in records from before issue 14). */
export interface DocumentReviewRecord {
  state: SessionState;
  document?: ConfirmedDocument;
  bankChecks?: BankCheck[];
  faceMatches?: RecordedFaceMatch[];
}

/** Whether `role` may confirm a document now; the confirmed document (stamped `at`) if so. */
export function confirmStep(r: DocumentReviewRecord, role: Role, confirmation: DocumentConfirmation, at: string): { ok: true; document: ConfirmedDocument } | Refusal {
  if (role !== 'agent') return { ok: false, code: 'forbidden', message: 'only the agent confirms the document' };
  if (isTerminalState(r.state)) return { ok: false, code: 'session_ended', message: 'the session has ended' };
  const present = new Set(Object.keys(confirmation.fields));
  const unknownSource = Object.keys(confirmation.sources).filter((f) => !present.has(f));
  if (unknownSource.length > 0) return { ok: false, code: 'validation_failed', message: `sources name fields that are not there: ${unknownSource.join(', ')}` };
  return { ok: true, document: { ...confirmation, confirmedAt: at } };
}

/** The audit detail of `document.confirmed`: field names, masked numbers, plausibility; never a value. */
export function confirmedAuditDetail(d: ConfirmedDocument): Record<string, unknown> {
  const f = d.fields;
  return {
    type: d.type,
    fields: (Object.keys(f) as DocumentFieldName[]).sort(),
    agentFields: (Object.keys(d.sources) as DocumentFieldName[]).filter((k) => d.sources[k] === 'agent').sort(),
    ...(f.residentNumber !== undefined ? { residentNumber: maskResidentNumber(f.residentNumber) } : {}),
    ...(f.registrationNumber !== undefined ? { registrationNumber: maskResidentNumber(f.registrationNumber) } : {}),
    plausibility: d.plausibility,
  };
}

/** Whether the bank may add a check now; the stored check (stamped `at`) if so. */
export function bankCheckStep(r: DocumentReviewRecord, request: BankCheckRequest, at: string): { ok: true; check: BankCheck } | Refusal {
  if ((r.bankChecks?.length ?? 0) >= MAX_BANK_CHECKS) return { ok: false, code: 'limit_reached', message: `at most ${MAX_BANK_CHECKS} bank checks per session` };
  return { ok: true, check: { ...request, checkedAt: at } };
}

/** Whether an approval may stand against REQUIRED_BANK_CHECKS (a rejection always may). */
export function approvalGate(r: DocumentReviewRecord, required: readonly string[]): { ok: true } | Refusal {
  const missing = missingBankChecks(required, r.bankChecks ?? []);
  if (missing.length === 0) return { ok: true };
  return { ok: false, code: 'bank_check_required', message: `an approval needs these bank checks passed first: ${missing.join(', ')}` };
}

/**
 * Whether `role` may record a face-match result now; the stored result (stamped `at`) if so. Its
 * thresholds must be the configured ones: a band computed with others would tell the agent (and
 * the evidence) something the bank did not set.
 */
export function faceMatchStep(
  r: DocumentReviewRecord,
  role: Role,
  result: FaceMatchResult,
  configured: FaceMatchThresholds,
  at: string,
): { ok: true; result: RecordedFaceMatch } | Refusal {
  if (role !== 'agent') return { ok: false, code: 'forbidden', message: 'only the agent records face-match results' };
  if (isTerminalState(r.state)) return { ok: false, code: 'session_ended', message: 'the session has ended' };
  if (result.thresholds.match !== configured.match || result.thresholds.noMatch !== configured.noMatch) {
    return {
      ok: false,
      code: 'thresholds_mismatch',
      message: `the result was banded with thresholds ${result.thresholds.match}/${result.thresholds.noMatch}; this session uses ${configured.match}/${configured.noMatch}`,
    };
  }
  if ((r.faceMatches?.length ?? 0) >= MAX_FACE_MATCH_RESULTS) return { ok: false, code: 'limit_reached', message: `at most ${MAX_FACE_MATCH_RESULTS} face-match results per session` };
  return { ok: true, result: { ...result, recordedAt: at } };
}

/** The audit detail of `face.matched`: scores, thresholds, model facts and the page's time (nothing personal). */
export function faceMatchAuditDetail(m: FaceMatchResult): Record<string, unknown> {
  return {
    kind: m.kind,
    band: m.band,
    score: m.score,
    ...(m.lowest !== undefined ? { lowest: m.lowest } : {}),
    thresholds: m.thresholds,
    model: m.model,
    samples: m.samples,
    measuredAt: m.measuredAt,
  };
}
