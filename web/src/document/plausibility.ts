/*
 * Plausibility checks on a document's fields, each a pass, a fail or a hint with a reason key the
 * agent's console translates (`document.check.*` in web/locales/*.json). Pure: the reading, the bank's customer name and the
 * time in; verdicts out. Rules that have nothing to check (no expiry on a resident card) give no
 * verdict rather than a pass.
 */
import type { DocumentFields, DocumentType } from './document-fields.ts';
import type { MrzCheckDigit } from './mrz-reading.ts';
import { residentCheckDigit } from '@vident/protocol';
import { namesMatch } from './name-match.ts';
import { birthDateOf, holderOf } from './resident-number.ts';

/** The verdict of one rule. */
export type PlausibilityVerdict = 'pass' | 'fail' | 'hint';

/**
 * One rule's verdict (`rule` a lowercase slug, `field` the field it looked at: the shape the
 * confirm frame carries) and the i18n key saying why; `params` fill the text's placeholders.
 */
export interface PlausibilityResult {
  rule: string;
  result: PlausibilityVerdict;
  field?: keyof DocumentFields;
  reason: PlausibilityReason;
  params?: Record<string, string>;
}

/** Every reason key a check can give (each has a text in every web/locales/*.json). */
export const PLAUSIBILITY_REASONS = [
  'document.check.expiry.valid',
  'document.check.expiry.expired',
  'document.check.mrz.digitValid',
  'document.check.mrz.digitInvalid',
  'document.check.name.match',
  'document.check.name.mismatch',
  'document.check.name.unread',
  'document.check.name.otherScript',
  'document.check.birth.consistent',
  'document.check.birth.inconsistent',
  'document.check.number.invalidDate',
  'document.check.number.wrongHolder',
  'document.check.number.checkDigit',
  'document.check.number.noCheckDigit',
] as const;
export type PlausibilityReason = (typeof PLAUSIBILITY_REASONS)[number];

/** What the checks look at: the fields as read or corrected by the agent. */
export interface PlausibilityInput {
  type: DocumentType;
  fields: Partial<DocumentFields>;
  mrzCheckDigits: readonly MrzCheckDigit[];
  customerName?: string;
  now: Date;
}

/** Today's date in Korea (UTC+9, no daylight saving), YYYY-MM-DD: a document valid today passes. */
export function koreanToday(now: Date): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** The expiry date is today or later. */
export function checkExpiry(expiryDate: string | undefined, now: Date): PlausibilityResult | undefined {
  if (!expiryDate) return undefined;
  return expiryDate >= koreanToday(now)
    ? { rule: 'expiry', result: 'pass', field: 'expiryDate', reason: 'document.check.expiry.valid', params: { date: expiryDate } }
    : { rule: 'expiry', result: 'fail', field: 'expiryDate', reason: 'document.check.expiry.expired', params: { date: expiryDate } };
}

/** The rule slug of an MRZ check digit: birthDateCheckDigit is mrz.birth_date. */
export function mrzRule(field: string): string {
  return `mrz.${field.replace(/CheckDigit$/, '').replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)}`;
}

/** One verdict per MRZ check digit. */
export function checkMrzDigits(digits: readonly MrzCheckDigit[]): PlausibilityResult[] {
  return digits.map((digit) => ({
    rule: mrzRule(digit.field),
    result: digit.valid ? 'pass' : 'fail',
    field: 'mrz',
    reason: digit.valid ? 'document.check.mrz.digitValid' : 'document.check.mrz.digitInvalid',
    params: { field: digit.field },
  }));
}

const HANGUL = /[가-힣]/;

/**
 * The printed name is the bank's customer name. A Latin name (MRZ, alien card) against a Hangul
 * customer name, or the reverse, is only a hint: romanization is not compared here.
 */
export function checkName(name: string | undefined, customerName: string | undefined): PlausibilityResult | undefined {
  if (!customerName) return undefined;
  if (!name) return { rule: 'name', result: 'hint', field: 'name', reason: 'document.check.name.unread' };
  if (HANGUL.test(name) !== HANGUL.test(customerName)) {
    return { rule: 'name', result: 'hint', field: 'name', reason: 'document.check.name.otherScript' };
  }
  return namesMatch(name, customerName)
    ? { rule: 'name', result: 'pass', field: 'name', reason: 'document.check.name.match' }
    : { rule: 'name', result: 'fail', field: 'name', reason: 'document.check.name.mismatch' };
}

/**
 * The registration number encodes a real birth date, its gender digit fits the document (1-4 on
 * Korean cards, 5-8 on alien cards; 9 and 0 are 1800s births), its old check digit holds (a hint
 * if not; a masked number has none to check), and the date agrees with any printed or MRZ birth
 * date.
 */
export function checkBirthDate(type: DocumentType, fields: Partial<DocumentFields>): PlausibilityResult[] {
  const field = type === 'kr-alien-card' ? 'registrationNumber' : 'residentNumber';
  const number = fields[field];
  if (!number) return [];
  const encoded = birthDateOf(number);
  if (!encoded) return [{ rule: 'number.date', result: 'fail', field, reason: 'document.check.number.invalidDate' }];
  const results: PlausibilityResult[] = [];
  const holder = holderOf(number);
  const expected = type === 'kr-alien-card' ? 'foreigner' : 'national';
  if (holder !== undefined && holder !== expected) {
    results.push({ rule: 'number.holder', result: 'fail', field, reason: 'document.check.number.wrongHolder' });
  }
  // The old check digit: numbers assigned since October 2020 carry none, so a mismatch is a hint.
  const check = residentCheckDigit(number);
  if (check === 'pass') results.push({ rule: 'number.check', result: 'pass', field, reason: 'document.check.number.checkDigit' });
  if (check === 'hint') results.push({ rule: 'number.check', result: 'hint', field, reason: 'document.check.number.noCheckDigit' });
  if (fields.dateOfBirth) {
    results.push(
      fields.dateOfBirth === encoded
        ? { rule: 'birth', result: 'pass', field: 'dateOfBirth', reason: 'document.check.birth.consistent' }
        : {
            rule: 'birth',
            result: 'fail',
            field: 'dateOfBirth',
            reason: 'document.check.birth.inconsistent',
            params: { number: encoded, printed: fields.dateOfBirth },
          },
    );
  }
  return results;
}

/** Every verdict the fields allow, in the order the agent reads them. */
export function checkPlausibility(input: PlausibilityInput): PlausibilityResult[] {
  return [
    checkName(input.fields.name, input.customerName),
    ...checkBirthDate(input.type, input.fields),
    checkExpiry(input.fields.expiryDate, input.now),
    ...checkMrzDigits(input.mrzCheckDigits),
  ].filter((result): result is PlausibilityResult => result !== undefined);
}
