/*
 * The machine-readable zone of passports (TD3, two lines of 44) and ID / residence cards (TD1,
 * three lines of 30; TD2, two of 36), found among OCR lines and parsed with the `mrz` package,
 * which verifies every check digit. OCR splits long MRZ lines and reads '<' as '«' or spaces:
 * fragments are cleaned and joined before parsing.
 */
import { parse, type ParseResult } from 'mrz';
import type { OcrLine } from './document-fields.ts';

/** An MRZ found in the text: its lines, the parse, and the mean OCR confidence of its lines (0-1). */
export interface FoundMrz {
  lines: string[];
  result: ParseResult;
  confidence: number;
}

/** One check digit of the MRZ and whether it matches the data it guards. */
export interface MrzCheckDigit {
  field: string;
  valid: boolean;
}

const SHAPES = [
  { lines: 2, length: 44 },
  { lines: 3, length: 30 },
  { lines: 2, length: 36 },
] as const;

/** An OCR line as MRZ characters, or undefined if it does not look like part of an MRZ. */
function mrzFragment(text: string): string | undefined {
  const cleaned = text.toUpperCase().replace(/[«‹≪]/g, '<<').replace(/[\s]/g, '');
  if (cleaned.length < 5 || !/^[A-Z0-9<]+$/.test(cleaned)) return undefined;
  // A real MRZ fragment has fillers or is mostly digits; plain words ("PASSPORT") are not one.
  if (!cleaned.includes('<') && (cleaned.match(/[0-9]/g)?.length ?? 0) < cleaned.length / 2) return undefined;
  return cleaned;
}

/** Fragments joined into lines of the given length (one character of slack, filled with '<'). */
function assemble(fragments: readonly { text: string; confidence: number }[], length: number) {
  const lines: { text: string; confidence: number }[] = [];
  let text = '';
  let confidences: number[] = [];
  for (const fragment of fragments) {
    text += fragment.text;
    confidences.push(fragment.confidence);
    if (text.length < length - 1) continue;
    if (text.length > length + 1) return undefined;
    const fixed = text.length === length - 1 ? `${text}<` : text.length === length + 1 && text.endsWith('<') ? text.slice(0, length) : text;
    if (fixed.length !== length) return undefined;
    lines.push({ text: fixed, confidence: confidences.reduce((a, b) => a + b, 0) / confidences.length });
    text = '';
    confidences = [];
  }
  return text === '' ? lines : undefined;
}

/** The MRZ lines with the parser's autocorrections (O to 0 in a date, ...) applied. */
function corrected(lines: readonly string[], result: ParseResult): string[] {
  const chars = lines.map((line) => [...line]);
  for (const detail of result.details) {
    for (const fix of detail.autocorrect) {
      const row = chars[fix.line];
      if (row && row[fix.column] === fix.original) row[fix.column] = fix.corrected;
    }
  }
  return chars.map((row) => row.join(''));
}

/** The MRZ in the lines, if one of the ICAO shapes can be assembled from them and parsed. */
export function findMrz(ocrLines: readonly OcrLine[]): FoundMrz | undefined {
  const fragments = ocrLines.flatMap((line) => {
    const text = mrzFragment(line.text);
    return text ? [{ text, confidence: line.confidence / 100 }] : [];
  });
  for (const shape of SHAPES) {
    // The MRZ is at the bottom of the document: try the last fragments first.
    for (let end = fragments.length; end > 0; end -= 1) {
      for (let start = end - 1; start >= Math.max(0, end - shape.lines * 3); start -= 1) {
        const lines = assemble(fragments.slice(start, end), shape.length);
        if (!lines || lines.length !== shape.lines) continue;
        try {
          const texts = lines.map((line) => line.text);
          const result = parse(texts, { autocorrect: true });
          const confidence = lines.reduce((sum, line) => sum + line.confidence, 0) / lines.length;
          return { lines: corrected(texts, result), result, confidence };
        } catch {
          // Not an MRZ of this shape (the parser throws on unsupported layouts); keep looking.
        }
      }
    }
  }
  return undefined;
}

/** Every check digit of the parsed MRZ, each with its verdict. */
export function mrzCheckDigits(result: ParseResult): MrzCheckDigit[] {
  return result.details
    .filter((detail) => detail.field?.endsWith('CheckDigit'))
    .map((detail) => ({ field: detail.field ?? '', valid: detail.valid }));
}

/** A field's characters exactly as they stand in the MRZ, fillers dropped. */
export function rawMrzField(found: FoundMrz, field: string): string | undefined {
  const detail = found.result.details.find((entry) => entry.field === field);
  const line = detail ? found.lines[detail.line] : undefined;
  if (!detail || line === undefined) return undefined;
  return line.slice(detail.start, detail.end).replace(/<+/g, ' ').trim();
}

/** The check digits of MRZ lines as the agent typed them (no OCR autocorrection); none if they do not parse. */
export function typedMrzCheckDigits(lines: readonly string[]): MrzCheckDigit[] {
  try {
    return mrzCheckDigits(parse([...lines], { autocorrect: false }));
  } catch {
    return [];
  }
}
