import { describe, expect, it } from 'vitest';
import { detectDocumentType, markScore } from './document-type.ts';
import { ocrLines } from './fixtures/ocr-texts.ts';

const detect = (text: string) => detectDocumentType(ocrLines(text));

describe('detectDocumentType', () => {
  it.each([
    ['주민등록증\n홍길동', 'kr-resident-card'],
    ['자동차운전면허증\n홍길동', 'kr-driver-licence'],
    ["DRIVER'S LICENSE\n운전면허", 'kr-driver-licence'],
    ['여권 PASSPORT\nREPUBLIC OF KOREA', 'passport'],
    ['P<KORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<', 'passport'],
    ['외국인등록증\nRESIDENCE CARD', 'kr-alien-card'],
    ['RESIDENCE CARD\nWANG XIAOMING', 'kr-alien-card'],
    ['SHINHAN CARD\nVALID THRU 12/28', 'unknown'],
  ])('%j is %s', (text, type) => expect(detect(text).type).toBe(type));

  it('finds titles OCR split with spaces or misread by one character, with less confidence', () => {
    const exact = detect('주민등록증');
    const split = detect('주 민 등 록 증');
    const misread = detect('주민둥록증');
    expect(split).toEqual(exact);
    expect(misread.type).toBe('kr-resident-card');
    expect(misread.confidence).toBeLessThan(exact.confidence);
  });

  it("scales confidence by the OCR's own and lowers it when two types compete", () => {
    expect(detect('@90 주민등록증').confidence).toBeGreaterThan(detect('@30 주민등록증').confidence);
    expect(detect('주민등록증\n여권').confidence).toBeLessThan(detect('주민등록증').confidence);
  });

  it('does not take a short word for a title with one error', () => {
    expect(markScore('운전', '운전면허')).toBe(0);
    expect(markScore('여관', '여권')).toBe(0);
    expect(markScore('자동차운전먼허증', '자동차운전면허증')).toBe(0.8);
  });
});
