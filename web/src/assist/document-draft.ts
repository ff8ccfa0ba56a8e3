/*
 * The agent's draft of the document review (issue 14): what OCR read, what the agent corrected,
 * and the confirmation frame it becomes. Pure: readings and edits in, a draft and a confirmation
 * (or the fields still wrong) out. The panel (ui/assist-panel.ts) renders it; the session stores
 * the confirmation.
 */
import { DocumentConfirmation, type DocumentFieldName, type DocumentType } from '@vident/protocol';
import type { DocumentReading } from '../document/read-document.ts';
import { typedMrzCheckDigits, type MrzCheckDigit } from '../document/mrz-reading.ts';
import { checkPlausibility, type PlausibilityResult } from '../document/plausibility.ts';

/** One field of the draft: its text, where it came from, and OCR's confidence (null once typed). */
export interface DraftField {
  value: string;
  source: 'ocr' | 'agent';
  confidence: number | null;
}

export interface DocumentDraft {
  type: DocumentType;
  /** How sure type detection was, 0-1 (1 once the agent chose the type). */
  typeConfidence: number;
  fields: Partial<Record<DocumentFieldName, DraftField>>;
  /** The MRZ's check digits: as read, and recomputed from the lines when the agent edits them. */
  mrzCheckDigits: readonly MrzCheckDigit[];
}

/** The fields the panel offers for each document type, in the order they are printed. */
export const FIELDS_BY_TYPE: Readonly<Record<DocumentType, readonly DocumentFieldName[]>> = {
  'kr-resident-card': ['name', 'residentNumber', 'issueDate', 'issuer'],
  'kr-driver-licence': ['name', 'residentNumber', 'dateOfBirth', 'licenceNumber', 'issueDate', 'expiryDate', 'issuer'],
  passport: ['name', 'documentNumber', 'nationality', 'dateOfBirth', 'expiryDate', 'mrz'],
  'kr-alien-card': ['name', 'registrationNumber', 'nationality', 'dateOfBirth', 'issueDate', 'expiryDate', 'issuer'],
  unknown: ['name', 'dateOfBirth', 'documentNumber', 'expiryDate'],
};

/** The MRZ is one field of lines: the form shows it one line a row. */
function fieldText(name: DocumentFieldName, value: unknown): string {
  if (name === 'mrz' && Array.isArray(value)) return value.join('\n');
  return String(value);
}

/** A draft from what OCR read: every field as read, with its confidence. */
export function draftFromReading(reading: DocumentReading): DocumentDraft {
  const fields: DocumentDraft['fields'] = {};
  for (const [name, field] of Object.entries(reading.fields) as [DocumentFieldName, { value: unknown; confidence: number }][]) {
    fields[name] = { value: fieldText(name, field.value), source: 'ocr', confidence: field.confidence };
  }
  return { type: reading.type, typeConfidence: reading.typeConfidence, fields, mrzCheckDigits: reading.mrzCheckDigits };
}

/** An empty draft of a type, for a document OCR could not read at all (the agent types it). */
export function emptyDraft(type: DocumentType): DocumentDraft {
  return { type, typeConfidence: 1, fields: {}, mrzCheckDigits: [] };
}

/** The agent typed into a field: from now on it is the agent's, and an emptied field is gone. */
export function editField(draft: DocumentDraft, name: DocumentFieldName, value: string): DocumentDraft {
  const current = draft.fields[name];
  if (current !== undefined && current.value === value) return draft;
  const fields = { ...draft.fields };
  if (value.trim() === '') delete fields[name];
  else fields[name] = { value, source: 'agent', confidence: null };
  const next = { ...draft, fields };
  // The check digits belong to the lines: typed lines are checked as typed.
  return name === 'mrz' ? { ...next, mrzCheckDigits: typedMrzCheckDigits(mrzLines(value)) } : next;
}

/** The agent chose the type; fields the new type does not have are kept but not confirmed. */
export function changeType(draft: DocumentDraft, type: DocumentType): DocumentDraft {
  return draft.type === type ? draft : { ...draft, type, typeConfidence: 1 };
}

/** MRZ lines from the form's text: one a row, spaces dropped, upper case. */
function mrzLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, '').toUpperCase())
    .filter((line) => line !== '');
}

/** The draft's values as the protocol's fields take them (the MRZ as lines, numbers without spaces). */
export function draftValues(draft: DocumentDraft): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of FIELDS_BY_TYPE[draft.type]) {
    const field = draft.fields[name];
    if (field === undefined) continue;
    const text = field.value.trim();
    if (name === 'mrz') values[name] = mrzLines(text);
    else if (name === 'residentNumber' || name === 'registrationNumber') values[name] = text.replace(/\s+/g, '');
    else values[name] = text;
  }
  return values;
}

/** The verdicts on the draft as it stands (re-run on every edit). */
export function draftPlausibility(draft: DocumentDraft, customerName: string | undefined, now: Date): PlausibilityResult[] {
  return checkPlausibility({
    type: draft.type,
    fields: draftValues(draft) as Parameters<typeof checkPlausibility>[0]['fields'],
    mrzCheckDigits: draft.mrzCheckDigits,
    ...(customerName !== undefined ? { customerName } : {}),
    now,
  });
}

/** A field the confirmation refuses (missing name, a number that is not 13 digits, a bad date). */
export interface FieldProblem {
  field: DocumentFieldName | null;
  message: string;
}

export type DraftConfirmation = { ok: true; confirmation: DocumentConfirmation } | { ok: false; problems: FieldProblem[] };

/**
 * The `document-confirm` body, checked against the protocol's schema here so the agent sees which
 * field is wrong before anything is sent. Plausibility goes as rule, verdict, field and message
 * key, never its parameters (they hold dates and numbers).
 */
export function confirmationOf(draft: DocumentDraft, plausibility: readonly PlausibilityResult[]): DraftConfirmation {
  const values = draftValues(draft);
  const sources: Partial<Record<DocumentFieldName, 'ocr' | 'agent'>> = {};
  for (const name of Object.keys(values) as DocumentFieldName[]) sources[name] = draft.fields[name]!.source;
  const body = {
    type: draft.type,
    fields: values,
    sources,
    plausibility: plausibility.slice(0, 20).map((p) => ({ rule: p.rule, result: p.result, ...(p.field ? { field: p.field } : {}), reason: p.reason })),
  };
  const parsed = DocumentConfirmation.safeParse(body);
  if (parsed.success) return { ok: true, confirmation: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const [top, name] = issue.path;
    const field = top === 'fields' && typeof name === 'string' ? (name as DocumentFieldName) : null;
    return { field, message: issue.message };
  });
  return { ok: false, problems };
}
