/*
 * Korean resident and alien registration numbers as OCR reads them: YYMMDD-GNNNNNN, with
 * lookalike letters, spaces and a lost hyphen repaired (the number's own rules are protocol's
 * resident-number.ts). The seventh digit (G) gives the century and
 * who holds it: 1-4 Korean nationals, 5-8 foreigners, 9 and 0 born in the 1800s. Cards that print
 * only the first digit of the back half ("800101-1******") are read as such.
 */
import { parseResidentNumber } from '@vident/protocol';
import { DIGITISH, toDigits } from './ocr-text.ts';

/** A registration number found in a line, normalized to YYMMDD-GNNNNNN. */
export interface FoundRegistrationNumber {
  value: string;
  /** Characters changed by OCR repair (a missing hyphen counts as one; at most four letters are). */
  corrected: number;
}

const FRONT = `${DIGITISH}(?:\\s?${DIGITISH}){5}`;
const BACK = `${DIGITISH}(?:\\s?(?:${DIGITISH}|[*xX●])){6}`;
const NUMBER = new RegExp(`(?<![0-9A-Za-z])(${FRONT})\\s*([-–—~_=.]?)\\s*(${BACK})(?![0-9])`, 'g');

/**
 * The birth date (YYYY-MM-DD) a registration number encodes, or undefined if it names no real day;
 * a masked back half ("800101-1******") still gives it (protocol's rules, which need 13 digits).
 */
export function birthDateOf(number: string): string | undefined {
  return parseResidentNumber(number.replace(/\*/g, '0'))?.dateOfBirth ?? undefined;
}

/** Whether the gender digit belongs to a Korean national (1-4) or a foreigner (5-8). */
export function holderOf(number: string): 'national' | 'foreigner' | undefined {
  const digit = number.charAt(7);
  if ('1234'.includes(digit) && digit !== '') return 'national';
  if ('5678'.includes(digit) && digit !== '') return 'foreigner';
  return undefined;
}

/**
 * The first plausible registration number in a line: thirteen digits (or six, a digit and a mask)
 * whose front half is a real birth date. Most characters must already be digits, so words are not
 * turned into numbers.
 */
export function findRegistrationNumber(line: string): FoundRegistrationNumber | undefined {
  for (const match of line.matchAll(NUMBER)) {
    const front = toDigits(match[1] ?? '');
    const backRaw = (match[3] ?? '').replace(/\s+/g, '');
    const maskAt = backRaw.search(/[*xX●]/);
    const backDigits = toDigits(maskAt === -1 ? backRaw : backRaw.slice(0, maskAt));
    if (maskAt !== -1 && !/^[*xX●]+$/.test(backRaw.slice(maskAt))) continue;
    const letters = front.corrected + backDigits.corrected;
    if (!Number.isFinite(letters) || letters > 4) continue;
    const corrected = letters + (match[2] ? 0 : 1);
    const back = maskAt === -1 ? backDigits.digits : backDigits.digits.padEnd(7, '*');
    const value = `${front.digits}-${back}`;
    if (birthDateOf(value) === undefined) continue;
    return { value, corrected };
  }
  return undefined;
}
