import {
  isTerminalState,
  maskResidentNumber,
  MAX_BANK_CHECKS,
  missingBankChecks,
  type BankCheck,
  type BankCheckRequest,
  type ConfirmedDocument,
  type DocumentConfirmation,
  type DocumentFieldName,
  type ErrorCode,
  type Role,
  type SessionState,
} from '@vident/protocol';

/*
 * The ID document the agent confirmed and the bank's checks on it (issue 14): whether a step may
 * happen and what the audit trail says about it. Pure: the signaling relay and the bank calls
 * store, audit and deliver. An audit detail never holds a full resident or registration number,
 * nor the other fields' values: which fields were there, the number masked, the rules' results.
 */

export type Refusal = { ok: false; code: ErrorCode; message: string };

/** The document and checks a session keeps (absent in records from before issue 14). */
export interface DocumentReviewRecord {
  state: SessionState;
  document?: ConfirmedDocument;
  bankChecks?: BankCheck[];
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
