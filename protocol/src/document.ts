import { z } from 'zod';
import { SessionId, Timestamp } from './common.ts';
import { maskResidentNumber } from './resident-number.ts';

/*
 * The ID document the agent read and confirmed in the call (issue 14), and the bank's own checks
 * on it. The agent's browser reads the fields (OCR/MRZ), the agent corrects and confirms them
 * (signaling frame `document-confirm`), the session keeps them; the bank reads them through the
 * signed API (GET /v1/sessions/:id/document, never in a webhook) and posts its checks back
 * (POST /v1/sessions/:id/checks). Resident and registration numbers appear in full only there and
 * in the evidence; audit rows, logs and webhooks carry maskResidentNumber's form or nothing.
 */

export const DocumentType = z.enum(['kr-resident-card', 'kr-driver-licence', 'passport', 'kr-alien-card', 'unknown']);
export type DocumentType = z.infer<typeof DocumentType>;

/** A 13-digit resident or alien registration number, with or without its hyphen. */
export const RegistrationNumber = z.string().regex(/^\d{6}-?\d{7}$/, 'must be 13 digits (YYMMDD-GNNNNNN)');
/** A calendar date as printed on a document, YYYY-MM-DD. */
export const DocumentDate = z.iso.date();
const FieldText = z.string().trim().min(1).max(100);

export const DocumentFields = z.strictObject({
  name: FieldText,
  residentNumber: RegistrationNumber.optional(),
  /** The alien registration card's number (same shape as a resident number). */
  registrationNumber: RegistrationNumber.optional(),
  dateOfBirth: DocumentDate.optional(),
  issueDate: DocumentDate.optional(),
  issuer: FieldText.optional(),
  licenceNumber: z.string().trim().min(1).max(20).optional(),
  expiryDate: DocumentDate.optional(),
  /** A passport's machine-readable zone, one string a line (TD3: two lines of 44). */
  mrz: z.array(z.string().regex(/^[A-Z0-9<]{30,44}$/, 'an MRZ line: 30-44 of A-Z, 0-9, <')).min(2).max(3).optional(),
  nationality: z.string().trim().min(1).max(40).optional(),
  documentNumber: z.string().trim().min(1).max(20).optional(),
});
export type DocumentFields = z.infer<typeof DocumentFields>;
export const DocumentFieldName = DocumentFields.keyof();
export type DocumentFieldName = z.infer<typeof DocumentFieldName>;

/** A short machine name (a plausibility rule, a bank check's kind): never free text, never a number. */
export const Slug = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,47}$/, 'must be a lowercase slug (a-z, 0-9, _ . -; 1-48 characters)')
  .refine((s) => !/\d{6}/.test(s), 'must not hold a run of six digits');

export const PlausibilityResult = z.strictObject({
  rule: Slug,
  result: z.enum(['pass', 'fail', 'hint']),
  /** The field the rule looked at, if one. */
  field: DocumentFieldName.optional(),
  /** The message key the agent was shown (e.g. document.check.expiry.valid); never its parameters, which carry values. */
  reason: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,79}$/, 'must be a message key')
    .refine((s) => !/\d{6}/.test(s), 'must not hold a run of six digits')
    .optional(),
});
export type PlausibilityResult = z.infer<typeof PlausibilityResult>;

/** What the agent confirms (the frame's body); the session stamps confirmedAt. */
export const DocumentConfirmation = z.strictObject({
  type: DocumentType,
  fields: DocumentFields,
  /** Per field present: read by OCR and left as read, or typed/corrected by the agent. */
  sources: z.partialRecord(DocumentFieldName, z.enum(['ocr', 'agent'])).default({}),
  plausibility: z.array(PlausibilityResult).max(20).default([]),
});
export type DocumentConfirmation = z.infer<typeof DocumentConfirmation>;
export type DocumentConfirmationInput = z.input<typeof DocumentConfirmation>;

export const ConfirmedDocument = DocumentConfirmation.extend({ confirmedAt: Timestamp });
export type ConfirmedDocument = z.infer<typeof ConfirmedDocument>;

/** What the bank posts back after its own check (e.g. the issuing authority's verification). */
export const BankCheckRequest = z.strictObject({
  kind: Slug,
  result: z.enum(['pass', 'fail', 'inconclusive']),
  /** The bank's reference for the check (its case or transaction id). */
  reference: z.string().trim().min(1).max(200),
});
export type BankCheckRequest = z.infer<typeof BankCheckRequest>;

export const BankCheck = BankCheckRequest.extend({ checkedAt: Timestamp });
export type BankCheck = z.infer<typeof BankCheck>;

/** Answer of GET /v1/sessions/:id/document: full fields (the signed API is where they go). */
export const SessionDocument = z.object({
  sessionId: SessionId,
  document: ConfirmedDocument,
  checks: z.array(BankCheck),
});
export type SessionDocument = z.infer<typeof SessionDocument>;

/** Answer of POST /v1/sessions/:id/checks: the stored check and every check so far. */
export const BankCheckAccepted = z.object({ sessionId: SessionId, check: BankCheck, checks: z.array(BankCheck) });
export type BankCheckAccepted = z.infer<typeof BankCheckAccepted>;

/** Most bank checks one session keeps (a re-check of a kind adds one). */
export const MAX_BANK_CHECKS = 50;

/**
 * The document's fields with every registration number masked ('YYMMDD-G******'), for an audit
 * row or a log: what the agent confirmed, without what identifies the customer outright.
 */
export function maskDocumentFields(fields: DocumentFields): DocumentFields {
  return {
    ...fields,
    ...(fields.residentNumber !== undefined ? { residentNumber: maskResidentNumber(fields.residentNumber) } : {}),
    ...(fields.registrationNumber !== undefined ? { registrationNumber: maskResidentNumber(fields.registrationNumber) } : {}),
  };
}

/**
 * The kinds in `required` whose latest check is not `pass` (none yet, fail or inconclusive): an
 * approval waits for them (REQUIRED_BANK_CHECKS).
 */
export function missingBankChecks(required: readonly string[], checks: readonly BankCheck[]): string[] {
  const latest = new Map<string, BankCheck['result']>();
  for (const c of checks) latest.set(c.kind, c.result);
  return required.filter((kind) => latest.get(kind) !== 'pass');
}
