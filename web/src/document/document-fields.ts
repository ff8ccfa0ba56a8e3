/*
 * The shapes document reading works on and answers: OCR lines in (tesseract.js gives each line a
 * confidence 0-100), field readings out (confidence 0-1). DocumentFields mirrors the confirmed
 * fields the server side keeps; until that lives in @vident/protocol it is declared here, with the
 * same names, so the lead can swap the import without touching the readers.
 */

/** One recognised line of text and the engine's confidence in it, 0-100 (tesseract.js's scale). */
export interface OcrLine {
  text: string;
  confidence: number;
}

/** The kinds of ID document vident reads; anything else is 'unknown' (protocol's names). */
export type DocumentType = 'kr-resident-card' | 'kr-driver-licence' | 'passport' | 'kr-alien-card' | 'unknown';

/** The document's fields as the agent confirms them (dates as YYYY-MM-DD). */
export interface DocumentFields {
  name: string;
  residentNumber?: string;
  registrationNumber?: string;
  dateOfBirth?: string;
  issueDate?: string;
  issuer?: string;
  licenceNumber?: string;
  expiryDate?: string;
  mrz?: string[];
  nationality?: string;
  documentNumber?: string;
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
