import * as z from 'zod/mini';
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

const KNOWN_DOCUMENT_TYPES = ['kr-resident-card', 'kr-driver-licence', 'passport', 'kr-alien-card'] as const;
export const DocumentType = z.enum([...KNOWN_DOCUMENT_TYPES, 'unknown']);
/** The document types a security-feature catalog can name (an unknown document has no features to check). */
export const KnownDocumentType = z.enum(KNOWN_DOCUMENT_TYPES);
export type DocumentType = z.infer<typeof DocumentType>;

/** A 13-digit resident or alien registration number, with or without its hyphen. */
export const RegistrationNumber = z.string().check(z.regex(/^\d{6}-?\d{7}$/, 'must be 13 digits (YYMMDD-GNNNNNN)'));
/** A calendar date as printed on a document, YYYY-MM-DD. */
export const DocumentDate = z.iso.date();
const FieldText = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

export const DocumentFields = z.strictObject({
  name: FieldText,
  residentNumber: z.optional(RegistrationNumber),
  /** The alien registration card's number (same shape as a resident number). */
  registrationNumber: z.optional(RegistrationNumber),
  dateOfBirth: z.optional(DocumentDate),
  issueDate: z.optional(DocumentDate),
  issuer: z.optional(FieldText),
  licenceNumber: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20))),
  expiryDate: z.optional(DocumentDate),
  /** A passport's machine-readable zone, one string a line (TD3: two lines of 44). */
  mrz: z.optional(
    z.array(z.string().check(z.regex(/^[A-Z0-9<]{30,44}$/, 'an MRZ line: 30-44 of A-Z, 0-9, <'))).check(z.minLength(2), z.maxLength(3)),
  ),
  nationality: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  documentNumber: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(20))),
});
export type DocumentFields = z.infer<typeof DocumentFields>;
export const DocumentFieldName = z.keyof(DocumentFields);
export type DocumentFieldName = z.infer<typeof DocumentFieldName>;

/** A short machine name (a plausibility rule, a bank check's kind): never free text, never a number. */
export const Slug = z
  .string()
  .check(
    z.regex(/^[a-z][a-z0-9_.-]{0,47}$/, 'must be a lowercase slug (a-z, 0-9, _ . -; 1-48 characters)'),
    z.refine((s) => !/\d{6}/.test(s), 'must not hold a run of six digits'),
  );

export const PlausibilityResult = z.strictObject({
  rule: Slug,
  result: z.enum(['pass', 'fail', 'hint']),
  /** The field the rule looked at, if one. */
  field: z.optional(DocumentFieldName),
  /** The message key the agent was shown (e.g. document.check.expiry.valid); never its parameters, which carry values. */
  reason: z.optional(
    z.string().check(
      z.regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,79}$/, 'must be a message key'),
      z.refine((s) => !/\d{6}/.test(s), 'must not hold a run of six digits'),
    ),
  ),
});
export type PlausibilityResult = z.infer<typeof PlausibilityResult>;

/** What the agent confirms (the frame's body); the session stamps confirmedAt. */
export const DocumentConfirmation = z.strictObject({
  type: DocumentType,
  fields: DocumentFields,
  /** Per field present: read by OCR and left as read, or typed/corrected by the agent. */
  sources: z._default(z.partialRecord(DocumentFieldName, z.enum(['ocr', 'agent'])), {}),
  plausibility: z._default(z.array(PlausibilityResult).check(z.maxLength(20)), []),
});
export type DocumentConfirmation = z.infer<typeof DocumentConfirmation>;
export type DocumentConfirmationInput = z.input<typeof DocumentConfirmation>;

export const ConfirmedDocument = z.extend(DocumentConfirmation, { confirmedAt: Timestamp });
export type ConfirmedDocument = z.infer<typeof ConfirmedDocument>;

/** What the bank posts back after its own check (e.g. the issuing authority's verification). */
export const BankCheckRequest = z.strictObject({
  kind: Slug,
  result: z.enum(['pass', 'fail', 'inconclusive']),
  /** The bank's reference for the check (its case or transaction id). */
  reference: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
});
export type BankCheckRequest = z.infer<typeof BankCheckRequest>;

export const BankCheck = z.extend(BankCheckRequest, { checkedAt: Timestamp });
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
