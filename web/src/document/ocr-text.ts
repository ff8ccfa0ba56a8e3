/*
 * Repairs for what OCR does to the digits and dates printed on ID cards: letters read for digits
 * (O for 0, I or l for 1), spaces inside numbers, odd separators. Pure string functions.
 */

/** Letters and marks OCR commonly returns in place of a digit. */
const DIGIT_LOOKALIKES: Record<string, string> = {
  O: '0', o: '0', D: '0', Q: '0', U: '0',
  I: '1', l: '1', i: '1', '|': '1', '!': '1', L: '1', ']': '1', '[': '1',
  Z: '2', z: '2',
  S: '5', s: '5',
  G: '6', b: '6',
  T: '7',
  B: '8',
  g: '9', q: '9',
};

/** A regex class of a digit or one of its OCR lookalikes. */
export const DIGITISH = "[0-9OoDQUIli|!L\\]\\[ZzSsGbTBgq]";

/** Digits for lookalikes; the number of characters that had to be changed. */
export function toDigits(text: string): { digits: string; corrected: number } {
  let digits = '';
  let corrected = 0;
  for (const char of text.replace(/\s+/g, '')) {
    if (char >= '0' && char <= '9') digits += char;
    else {
      const digit = DIGIT_LOOKALIKES[char];
      if (digit === undefined) return { digits: '', corrected: Number.POSITIVE_INFINITY };
      digits += digit;
      corrected += 1;
    }
  }
  return { digits, corrected };
}

/** The penalty applied to a reading's confidence per corrected character. */
export function correctionPenalty(corrected: number): number {
  return 0.9 ** corrected;
}

/** Whether YYYY-MM-DD names a real calendar day. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last;
}

/** YYYY-MM-DD of a year, month and day. */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A date printed on a card and how many characters OCR repair changed. */
export interface PrintedDate {
  iso: string;
  corrected: number;
}

// "2019. 3. 15.", "2019.03.15", "2019-03-15", "2019/3/15", "2019년 3월 15일", with OCR lookalikes.
const DATE = new RegExp(
  `(${DIGITISH}{4})\\s*(?:[.\\-/,]|년)\\s*(${DIGITISH}{1,2})\\s*(?:[.\\-/,]|월)\\s*(${DIGITISH}{1,2})(?:\\s*[.일])?`,
  'g',
);

/** Every full date printed in a line, in order; impossible dates are left out. */
export function printedDates(line: string): PrintedDate[] {
  const dates: PrintedDate[] = [];
  for (const match of line.matchAll(DATE)) {
    const [year, month, day] = [match[1], match[2], match[3]].map((part) => toDigits(part ?? ''));
    if (!year?.digits || !month?.digits || !day?.digits) continue;
    const y = Number(year.digits);
    const m = Number(month.digits);
    const d = Number(day.digits);
    const corrected = year.corrected + month.corrected + day.corrected;
    if (corrected > 3 || y < 1900 || y > 2100 || !isCalendarDate(y, m, d)) continue;
    dates.push({ iso: isoDate(y, m, d), corrected });
  }
  return dates;
}

/** Text without whitespace, for matching titles OCR splits ("주 민 등 록 증"). */
export function compact(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, '');
}
