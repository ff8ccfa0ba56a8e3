import type { MessageKey } from '../i18n.ts';
import type { DocumentType } from './document-fields.ts';
import type { PlausibilityReason } from './plausibility.ts';

/* Which i18n text the document panel shows for a type, a verdict and an MRZ check digit. */

/** Key of a document type's name. */
export function documentTypeKey(type: DocumentType): MessageKey {
  return `document.type.${type}`;
}

/** Key of a plausibility verdict's text (the reason keys are dictionary keys themselves). */
export function plausibilityReasonKey(reason: PlausibilityReason): MessageKey {
  return reason;
}

/** The MRZ check digits the dictionary names, and their keys. */
const MRZ_FIELD_KEYS: Record<string, MessageKey> = {
  documentNumberCheckDigit: 'document.mrzField.documentNumberCheckDigit',
  birthDateCheckDigit: 'document.mrzField.birthDateCheckDigit',
  expirationDateCheckDigit: 'document.mrzField.expirationDateCheckDigit',
  personalNumberCheckDigit: 'document.mrzField.personalNumberCheckDigit',
  compositeCheckDigit: 'document.mrzField.compositeCheckDigit',
};

/** Key of an MRZ check digit's name, or undefined for one the dictionary does not name. */
export function mrzFieldKey(field: string): MessageKey | undefined {
  return Object.hasOwn(MRZ_FIELD_KEYS, field) ? MRZ_FIELD_KEYS[field] : undefined;
}
