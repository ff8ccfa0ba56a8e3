/*
 * Fields printed on Korean ID cards (resident card, driver's licence, alien card): the holder's
 * name, the registration number, dates and the issuing authority, read from OCR lines by pattern
 * and label rather than by position, since OCR reorders and breaks lines.
 */
import { readingFrom, type FieldReading, type OcrLine } from './document-fields.ts';
import { compact, correctionPenalty, printedDates } from './ocr-text.ts';
import { findRegistrationNumber } from './resident-number.ts';

/** Titles and labels that look like names to a Hangul pattern but are not. */
const NOT_NAMES = [
  '주민등록증', '자동차운전면허증', '운전면허증', '외국인등록증', '대한민국', '여권', '성명', '이름',
  '주소', '발급일', '발급일자', '적성검사', '갱신기간', '조건', '체류자격', '국가', '지역', '성별',
];

// 홍길동, 홍 길 동, 홍길동(洪吉童), 홍길동 [洪吉童 — OCR loses or swaps the brackets. Korean names
// have two to four syllables, which also keeps five-syllable titles misread by OCR out.
const KOREAN_NAME = /^([가-힣](?:\s?[가-힣]){1,3})\s*(?:[([{（]\s*[\u4E00-\u9FFF\uF900-\uFAFF](?:\s?[\u4E00-\u9FFF\uF900-\uFAFF])*\s*[)\]}）]?)?$/;
const LATIN_NAME = /^[A-Z][A-Z' -]{1,40}[A-Z]$/;
// 성명, 이름, Name, "성명 Name", "성명/Name:", each optional, at the start of a line.
const NAME_LABEL = /^\s*(?:성\s*명|이\s*름)?\s*\/?\s*(?:name(?![a-z]))?\s*[:.]?\s*/i;

/** A line without its name label, and whether it had one. */
function withoutNameLabel(text: string): { rest: string; labelled: boolean } {
  const label = NAME_LABEL.exec(text.normalize('NFC'))?.[0] ?? '';
  return { rest: text.normalize('NFC').slice(label.length).trim(), labelled: /성|이|name/i.test(label) };
}

function nameFrom(text: string): { name: string; latin: boolean } | undefined {
  const { rest } = withoutNameLabel(text);
  const korean = KOREAN_NAME.exec(rest);
  if (korean?.[1]) {
    const name = compact(korean[1]);
    if (!NOT_NAMES.some((word) => name.includes(word) || word.includes(name))) return { name, latin: false };
  }
  if (LATIN_NAME.test(rest) && !/PASSPORT|RESIDENCE|CARD|LICEN[CS]E|KOREA|REPUBLIC/.test(rest)) {
    return { name: rest.replace(/\s+/g, ' '), latin: true };
  }
  return undefined;
}

/**
 * The holder's name: a line labelled 성명/Name (or the line after a bare label), else the first
 * line that is a Korean name with optional hanja. Latin names (alien cards) only when labelled or
 * when `latin` is set.
 */
export function readName(lines: readonly OcrLine[], options: { latin?: boolean } = {}): FieldReading | undefined {
  for (const [index, line] of lines.entries()) {
    const { rest, labelled } = withoutNameLabel(line.text);
    if (!labelled) continue;
    const inline = rest ? nameFrom(rest) : undefined;
    if (inline) return readingFrom(inline.name, line);
    const next = lines[index + 1];
    const following = next ? nameFrom(next.text) : undefined;
    if (next && following) return readingFrom(following.name, next, 0.95);
  }
  for (const line of lines) {
    const found = nameFrom(line.text);
    if (found && (!found.latin || options.latin)) return readingFrom(found.name, line, found.latin ? 0.9 : 1);
  }
  return undefined;
}

/** The first resident / registration number in the lines. */
export function readRegistrationNumber(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const line of lines) {
    const found = findRegistrationNumber(line.text);
    if (found) return readingFrom(found.value, line, correctionPenalty(found.corrected));
  }
  return undefined;
}

/** A line that gives a period ("2025.01.01 ~ 2034.12.31") or names one (적성검사, 갱신기간). */
function isPeriodLine(line: OcrLine): boolean {
  return /적성|갱신|기간|~|∼/.test(line.text) || printedDates(line.text).length >= 2;
}

/**
 * The issue date: a date labelled 발급일/Issue, else the last single date that is not part of a
 * validity period (on resident cards it sits just above the issuer).
 */
export function readIssueDate(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const line of lines) {
    if (!/발급|issue/i.test(line.text)) continue;
    const date = printedDates(line.text)[0];
    if (date) return readingFrom(date.iso, line, correctionPenalty(date.corrected));
  }
  let found: FieldReading | undefined;
  for (const line of lines) {
    if (isPeriodLine(line) || /생년|birth/i.test(line.text)) continue;
    const date = printedDates(line.text)[0];
    if (date) found = readingFrom(date.iso, line, correctionPenalty(date.corrected) * 0.9);
  }
  return found;
}

/**
 * The end of a validity period: the later date of a period line (licence aptitude test / renewal
 * period), or a date labelled 만료/유효/expiry.
 */
export function readExpiryDate(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const [index, line] of lines.entries()) {
    const labelled = /만료|유효|expir|적성|갱신/i.test(line.text);
    if (!labelled && !isPeriodLine(line)) continue;
    // A broken line: the period's dates may continue on the next line.
    const next = lines[index + 1];
    const dates = printedDates(line.text);
    const source = dates.length === 0 && next && labelled ? next : line;
    const all = source === line ? dates : printedDates(source.text);
    const last = all.at(-1);
    if (last && (labelled || all.length >= 2)) return readingFrom(last.iso, source, correctionPenalty(last.corrected));
  }
  return undefined;
}

/** A printed birth date (생년월일 / Date of birth), when the card has one. */
export function readPrintedBirthDate(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const line of lines) {
    if (!/생년|birth/i.test(line.text)) continue;
    const date = printedDates(line.text)[0];
    if (date) return readingFrom(date.iso, line, correctionPenalty(date.corrected));
  }
  return undefined;
}

// 서울특별시 강남구청장, 경기도 수원시장, 서울경찰청장, 서울출입국·외국인청장, 부산광역시 해운대구청장.
const ISSUER = /([가-힣]+(?:\s*[·ㆍ.]?\s*[가-힣]+)*?(?:청장|시장|군수|구청장|도지사))/;

/** The issuing authority: the line that ends in an office holder's title. */
export function readIssuer(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const line of [...lines].reverse()) {
    const text = line.text.normalize('NFC').replace(/[[(（【]?\s*(?:직인|인)\s*[\])）】]?\s*$/, '').trim();
    const match = ISSUER.exec(text);
    if (match?.[1]) return readingFrom(match[1].replace(/\s+/g, ' ').trim(), line);
  }
  return undefined;
}
