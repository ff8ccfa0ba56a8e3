/*
 * Reading a document: detect its type from the OCR lines, then read the fields that type carries.
 * Pure: OCR lines in, readings out; the OCR engine and the agent's confirmation live elsewhere.
 */
import type { DocumentType, FieldReading, FieldReadings, OcrLine } from './document-fields.ts';
import { detectDocumentType } from './document-type.ts';
import { readExpiryDate, readIssueDate, readIssuer, readName, readPrintedBirthDate, readRegistrationNumber } from './card-fields.ts';
import { readLicenceNumber } from './licence-number.ts';
import { birthDateOf } from './resident-number.ts';
import { findMrz, mrzCheckDigits, rawMrzField, type FoundMrz, type MrzCheckDigit } from './mrz-reading.ts';

/** What was read from one document image. */
export interface DocumentReading {
  type: DocumentType;
  typeConfidence: number;
  fields: FieldReadings;
  /** Every MRZ check digit and its verdict; empty when the document has no MRZ. */
  mrzCheckDigits: MrzCheckDigit[];
}

/** YYYY-MM-DD of an MRZ YYMMDD; birth dates in the future belong to the previous century. */
export function mrzDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): string | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(yymmdd);
  if (!match) return undefined;
  const currentYear = now.getUTCFullYear();
  let year = 2000 + Number(match[1]);
  if (kind === 'birth' && year > currentYear) year -= 100;
  if (kind === 'expiry' && year > currentYear + 50) year -= 100;
  return `${year}-${match[2]}-${match[3]}`;
}

function mrzReading(value: string | undefined, found: FoundMrz, field: string): FieldReading | undefined {
  if (!value) return undefined;
  const detail = found.result.details.find((entry) => entry.field === field);
  const penalty = (detail?.valid === false ? 0.5 : 1) * 0.9 ** (detail?.autocorrect.length ?? 0);
  return { value, confidence: Math.round(found.confidence * penalty * 100) / 100, source: 'ocr' };
}

/** The fields an MRZ gives (name, document number, nationality, birth and expiry dates). */
function mrzFields(found: FoundMrz, now: Date): FieldReadings {
  const { fields } = found.result;
  const name = [rawMrzField(found, 'lastName'), rawMrzField(found, 'firstName')].filter(Boolean).join(' ');
  const birth = fields.birthDate ? mrzDate(fields.birthDate, 'birth', now) : undefined;
  const expiry = fields.expirationDate ? mrzDate(fields.expirationDate, 'expiry', now) : undefined;
  const readings: FieldReadings = {
    mrz: { value: found.lines, confidence: Math.round(found.confidence * 100) / 100, source: 'ocr' },
  };
  const entries: [keyof FieldReadings, FieldReading | undefined][] = [
    ['name', mrzReading(name, found, 'lastName')],
    ['documentNumber', mrzReading(rawMrzField(found, 'documentNumber'), found, 'documentNumber')],
    ['nationality', mrzReading(rawMrzField(found, 'nationality'), found, 'nationality')],
    ['dateOfBirth', mrzReading(birth, found, 'birthDate')],
    ['expiryDate', mrzReading(expiry, found, 'expirationDate')],
  ];
  for (const [key, reading] of entries) if (reading) Object.assign(readings, { [key]: reading });
  return readings;
}

/**
 * The registration number in full, or, where the card prints it masked ("800101-1******", as
 * licences may), only the birth date it gives: a confirmed number is always 13 digits.
 */
function numberReadings(lines: readonly OcrLine[], key: 'residentNumber' | 'registrationNumber'): FieldReadings {
  const number = readRegistrationNumber(lines);
  if (!number) return {};
  if (!number.value.includes('*')) return { [key]: number };
  const birth = birthDateOf(number.value);
  return birth ? { dateOfBirth: { ...number, value: birth } } : {};
}

/** Readings with the undefined ones left out. */
function present(readings: Record<string, FieldReading<unknown> | undefined>): FieldReadings {
  return Object.fromEntries(Object.entries(readings).filter(([, reading]) => reading !== undefined)) as FieldReadings;
}

/** Detect the document in the OCR lines and read its fields. `now` dates two-digit MRZ years. */
export function readDocument(lines: readonly OcrLine[], now: Date): DocumentReading {
  const detected = detectDocumentType(lines);
  const found = findMrz(lines);
  const base = { type: detected.type, typeConfidence: detected.confidence, mrzCheckDigits: found ? mrzCheckDigits(found.result) : [] };
  switch (detected.type) {
    case 'kr-resident-card':
      return {
        ...base,
        fields: {
          ...present({ name: readName(lines), issueDate: readIssueDate(lines), issuer: readIssuer(lines) }),
          ...numberReadings(lines, 'residentNumber'),
        },
      };
    case 'kr-driver-licence':
      return {
        ...base,
        fields: {
          ...numberReadings(lines, 'residentNumber'),
          ...present({
            name: readName(lines),
            licenceNumber: readLicenceNumber(lines),
            dateOfBirth: readPrintedBirthDate(lines),
            expiryDate: readExpiryDate(lines),
            issueDate: readIssueDate(lines),
            issuer: readIssuer(lines),
          }),
        },
      };
    case 'kr-alien-card':
      return {
        ...base,
        fields: {
          ...numberReadings(lines, 'registrationNumber'),
          ...present({
            name: readName(lines, { latin: true }),
            dateOfBirth: readPrintedBirthDate(lines),
            issueDate: readIssueDate(lines),
            expiryDate: readExpiryDate(lines),
            issuer: readIssuer(lines),
          }),
          ...(found ? mrzFields(found, now) : {}),
        },
      };
    case 'passport':
      return { ...base, fields: found ? mrzFields(found, now) : present({ name: readName(lines, { latin: true }) }) };
    case 'unknown':
      return { ...base, fields: found ? mrzFields(found, now) : {} };
  }
}
