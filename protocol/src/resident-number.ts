/*
 * Korean resident (and alien) registration numbers: YYMMDD-GNNNNNN. Pure rules shared by the
 * agent's browser (plausibility shown beside the OCR fields) and the control plane (masking before
 * anything reaches an audit row, a log line or a webhook). Only the signed API and the evidence
 * carry a full number.
 */

/** The 13 digits of a number written with or without its hyphen, or null. */
export function residentDigits(text: string): string | null {
  const m = /^\s*(\d{6})-?(\d{7})\s*$/.exec(text);
  return m ? `${m[1]}${m[2]}` : null;
}

/** Century of the birth year by the 7th digit: 1/2 (and foreigners' 5/6) 1900s, 3/4 (7/8) 2000s, 9/0 1800s. */
const CENTURY: Record<string, number> = { '1': 1900, '2': 1900, '5': 1900, '6': 1900, '3': 2000, '4': 2000, '7': 2000, '8': 2000, '9': 1800, '0': 1800 };

export interface ResidentNumber {
  digits: string;
  /** YYYY-MM-DD, or null when YYMMDD with the century digit is no calendar date. */
  dateOfBirth: string | null;
  /** 5-8: a registered foreigner (alien registration number). */
  foreigner: boolean;
  /** Odd gender digits are male, even ones female. */
  sex: 'male' | 'female';
}

/** Parses a number (with or without its hyphen); null when it is not 13 digits. */
export function parseResidentNumber(text: string): ResidentNumber | null {
  const digits = residentDigits(text);
  if (!digits) return null;
  const g = digits[6]!;
  const year = CENTURY[g]! + Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC maps years 0-99 to 1900+; never the case here (years 1800-2099).
  const valid = month >= 1 && month <= 12 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return {
    digits,
    dateOfBirth: valid ? `${String(year)}-${digits.slice(2, 4)}-${digits.slice(4, 6)}` : null,
    foreigner: g >= '5' && g <= '8',
    sex: Number(g) % 2 === 1 ? 'male' : 'female',
  };
}

const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

/**
 * The old check digit ((11 - weighted sum % 11) % 10): 'pass' when the 13th digit matches, else
 * 'hint' (numbers assigned since October 2020 carry none, so a mismatch is never a failure);
 * null when the text is not a number.
 */
export function residentCheckDigit(text: string): 'pass' | 'hint' | null {
  const digits = residentDigits(text);
  if (!digits) return null;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  return (11 - (sum % 11)) % 10 === Number(digits[12]) ? 'pass' : 'hint';
}

/** 'YYMMDD-G******': the birth part and the gender digit only; anything else masks entirely. */
export function maskResidentNumber(text: string): string {
  const digits = residentDigits(text);
  return digits ? `${digits.slice(0, 6)}-${digits[6]!}******` : '******-*******';
}
