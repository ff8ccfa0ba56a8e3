/*
 * Korean driver's licence numbers: NN-NN-NNNNNN-NN (region code, year, serial, check), or the
 * older form with the region in Hangul ("서울 12-123456-78"), read through OCR lookalikes and
 * spaces. Region codes of the numeric form run 11-28.
 */
import { readingFrom, type FieldReading, type OcrLine } from './document-fields.ts';
import { DIGITISH, correctionPenalty, toDigits } from './ocr-text.ts';

const SEP = '\\s*[-–—~_.]\\s*';
const group = (n: number) => `(${DIGITISH}(?:\\s?${DIGITISH}){${n - 1}})`;
const NUMERIC = new RegExp(`(?<![0-9])${group(2)}${SEP}${group(2)}${SEP}${group(6)}${SEP}${group(2)}(?![0-9])`);
const REGIONAL = new RegExp(`([가-힣]{2})\\s*${group(2)}${SEP}${group(6)}${SEP}${group(2)}(?![0-9])`);

/** The licence number in the lines: NN-NN-NNNNNN-NN, or "서울 NN-NNNNNN-NN" for the older form. */
export function readLicenceNumber(lines: readonly OcrLine[]): FieldReading | undefined {
  for (const line of lines) {
    const numeric = NUMERIC.exec(line.text);
    if (numeric) {
      const parts = numeric.slice(1, 5).map((part) => toDigits(part ?? ''));
      const corrected = parts.reduce((sum, part) => sum + part.corrected, 0);
      const region = Number(parts[0]?.digits);
      if (corrected <= 3 && region >= 11 && region <= 28) {
        return readingFrom(parts.map((part) => part.digits).join('-'), line, correctionPenalty(corrected));
      }
    }
    // The older form is kept as printed: the region's name, not a code this reader would guess.
    const regional = REGIONAL.exec(line.text);
    if (regional) {
      const parts = regional.slice(2, 5).map((part) => toDigits(part ?? ''));
      const corrected = parts.reduce((sum, part) => sum + part.corrected, 0);
      if (corrected <= 3) {
        return readingFrom(`${regional[1]} ${parts.map((part) => part.digits).join('-')}`, line, correctionPenalty(corrected));
      }
    }
  }
  return undefined;
}
