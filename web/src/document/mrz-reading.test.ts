import { describe, expect, it } from 'vitest';
import { findMrz, mrzCheckDigits } from './mrz-reading.ts';
import { ID_CARD_MRZ, PASSPORT_MRZ, ocrLines } from './fixtures/ocr-texts.ts';

const lines = (...texts: string[]) => texts.map((text) => ({ text, confidence: 90 }));
const verdicts = (texts: readonly string[]) => {
  const found = findMrz(lines(...texts));
  return Object.fromEntries(mrzCheckDigits(found!.result).map((digit) => [digit.field, digit.valid]));
};

describe('findMrz', () => {
  it("verifies every check digit of ICAO 9303's specimen passport (TD3)", () => {
    const found = findMrz(lines(...PASSPORT_MRZ));
    expect(found?.result.format).toBe('TD3');
    expect(found?.result.fields).toMatchObject({ documentNumber: 'L898902C3', birthDate: '740812', expirationDate: '120415' });
    expect(verdicts(PASSPORT_MRZ)).toEqual({
      documentNumberCheckDigit: true,
      birthDateCheckDigit: true,
      expirationDateCheckDigit: true,
      personalNumberCheckDigit: true,
      compositeCheckDigit: true,
    });
  });

  it("verifies the specimen ID card's check digits (TD1, as on residence cards)", () => {
    expect(findMrz(lines(...ID_CARD_MRZ))?.result.format).toBe('TD1');
    expect(verdicts(ID_CARD_MRZ)).toEqual({
      documentNumberCheckDigit: true,
      birthDateCheckDigit: true,
      expirationDateCheckDigit: true,
      compositeCheckDigit: true,
    });
  });

  it('fails the check digits a tampered birth date breaks', () => {
    // 740812 -> 740813: what a forger changing the date of birth leaves behind.
    const tampered = [PASSPORT_MRZ[0], PASSPORT_MRZ[1].replace('7408122', '7408132')];
    expect(verdicts(tampered)).toMatchObject({ birthDateCheckDigit: false, compositeCheckDigit: false, documentNumberCheckDigit: true });
  });

  it('fails a tampered check digit itself', () => {
    const tampered = [PASSPORT_MRZ[0], PASSPORT_MRZ[1].replace('L898902C36', 'L898902C37')];
    expect(verdicts(tampered)).toMatchObject({ documentNumberCheckDigit: false, birthDateCheckDigit: true });
  });

  it('finds no MRZ in text without one', () => {
    expect(findMrz(ocrLines('PASSPORT\nREPUBLIC OF KOREA\n홍길동'))).toBeUndefined();
    expect(findMrz(lines('P<UTOERIKSSON<<ANNA'))).toBeUndefined();
  });
});
