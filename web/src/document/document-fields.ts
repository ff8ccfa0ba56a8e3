/*
 * The shapes document reading works on and answers: OCR lines in (tesseract.js gives each line a
 * confidence 0-100), field readings out (confidence 0-1), one for each of protocol's DocumentFields.
 */
import type { DocumentFields } from '@vident/protocol';

export type { DocumentFields, DocumentType } from '@vident/protocol';

/** One recognised line of text and the engine's confidence in it, 0-100 (tesseract.js's scale). */
export interface OcrLine {
  text: string;
  confidence: number;
}

/** One field as read: the value, how sure the reading is (0-1) and where it came from. */
export interface FieldReading<T = string> {
  value: T;
  confidence: number;
  source: 'ocr';
}

/** Whatever could be read of a document's fields; every field may be missing. */
export type FieldReadings = { [K in keyof DocumentFields]?: FieldReading<NonNullable<DocumentFields[K]>> };

/** The values of the readings, for the agent's form (what they leave as read stays 'ocr'). */
export function readingValues(readings: FieldReadings): Partial<DocumentFields> {
  return Object.fromEntries(Object.entries(readings).map(([key, reading]) => [key, reading.value]));
}

/** A field reading from an OCR line, its confidence scaled down by a penalty for corrections. */
export function readingFrom<T>(value: T, line: OcrLine, penalty = 1): FieldReading<T> {
  const confidence = Math.max(0, Math.min(1, (line.confidence / 100) * penalty));
  return { value, confidence: Math.round(confidence * 100) / 100, source: 'ocr' };
}
