/*
 * Which ID document the OCR text comes from, by the titles printed on it (matched with one OCR
 * error allowed in longer titles, and without spaces, since OCR splits Hangul titles) and, for
 * passports, the MRZ's first line.
 */
import type { DocumentType, OcrLine } from './document-fields.ts';
import { compact } from './ocr-text.ts';

/** A detected document type and how sure the detection is (0-1). */
export interface DetectedType {
  type: DocumentType;
  confidence: number;
}

type KnownType = Exclude<DocumentType, 'unknown'>;

/** Printed titles and marks, each with how strongly it names its document on its own. */
const MARKS: Record<KnownType, ReadonlyArray<readonly [string, number]>> = {
  'kr-resident-card': [['주민등록증', 1]],
  'kr-driver-licence': [['자동차운전면허증', 1], ['운전면허', 0.8], ["DRIVER'SLICENSE", 0.7], ['DRIVERSLICENSE', 0.7]],
  passport: [['PASSPORT', 0.8], ['여권', 0.8]],
  'kr-alien-card': [['외국인등록증', 1], ['RESIDENCECARD', 0.8]],
};

/** The Levenshtein distance of two short strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** 1 if the mark is in the text, 0.8 if it is there with one OCR error (marks of 4+ characters), else 0. */
export function markScore(text: string, mark: string): number {
  if (text.includes(mark)) return 1;
  if (mark.length < 4) return 0;
  for (let start = 0; start + mark.length - 1 <= text.length; start += 1) {
    for (const length of [mark.length - 1, mark.length, mark.length + 1]) {
      if (start + length > text.length) continue;
      if (distance(text.slice(start, start + length), mark) <= 1) return 0.8;
    }
  }
  return 0;
}

/** The type whose marks the text carries best; 'unknown' when none does. */
export function detectDocumentType(lines: readonly OcrLine[]): DetectedType {
  const text = compact(lines.map((line) => line.text).join('\n')).toUpperCase();
  const scores = new Map<KnownType, number>();
  for (const [type, marks] of Object.entries(MARKS) as [KnownType, (typeof MARKS)[KnownType]][]) {
    scores.set(type, Math.max(0, ...marks.map(([mark, weight]) => weight * markScore(text, mark))));
  }
  // A passport's MRZ starts with P and a filler (or a national type letter) on a line of its own.
  if (lines.some((line) => /^P[<A-Z][A-Z<]{3}.*<</.test(compact(line.text).toUpperCase()) && compact(line.text).length >= 30)) {
    scores.set('passport', 1);
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0], ranked[1]];
  if (!best || best[1] < 0.5) return { type: 'unknown', confidence: best ? 1 - best[1] : 1 };
  const mean = lines.reduce((sum, line) => sum + line.confidence, 0) / Math.max(1, lines.length) / 100;
  const ambiguity = second ? second[1] / 2 : 0;
  const confidence = Math.max(0, Math.min(1, (best[1] - ambiguity) * (0.5 + mean / 2)));
  return { type: best[0], confidence: Math.round(confidence * 100) / 100 };
}
