import { describe, expect, it } from 'vitest';
import { readDocument } from './read-document.ts';
import { readingValues } from './document-fields.ts';
import { DocumentFields } from '@vident/protocol';
import {
  ALIEN_CARD,
  DRIVER_LICENCE,
  DRIVER_LICENCE_OLD,
  KOREAN_PASSPORT,
  PASSPORT,
  PASSPORT_NOISY,
  RESIDENT_CARD,
  RESIDENT_CARD_NOISY,
  UNKNOWN,
  ocrLines,
} from './fixtures/ocr-texts.ts';

const now = new Date('2026-12-03T00:00:00Z');
const values = (text: string) => readingValues(readDocument(ocrLines(text), now).fields);

describe('readDocument', () => {
  it('reads a resident registration card', () => {
    const reading = readDocument(ocrLines(RESIDENT_CARD), now);
    expect(reading.type).toBe('kr-resident-card');
    expect(reading.typeConfidence).toBeGreaterThan(0.8);
    expect(values(RESIDENT_CARD)).toEqual({
      name: '홍길동',
      residentNumber: '800101-1234560',
      issueDate: '2019-03-15',
      issuer: '서울특별시 강남구청장',
    });
    expect(reading.mrzCheckDigits).toEqual([]);
  });

  it('reads a noisy resident card, with less confidence where it had to repair', () => {
    const clean = readDocument(ocrLines(RESIDENT_CARD), now);
    const noisy = readDocument(ocrLines(RESIDENT_CARD_NOISY), now);
    expect(noisy.type).toBe('kr-resident-card');
    expect(values(RESIDENT_CARD_NOISY)).toEqual(values(RESIDENT_CARD));
    expect(noisy.fields.residentNumber?.confidence).toBeLessThan(0.58);
    expect(noisy.fields.residentNumber?.confidence).toBeLessThan(clean.fields.residentNumber?.confidence ?? 0);
    expect(noisy.typeConfidence).toBeLessThan(clean.typeConfidence);
    for (const reading of Object.values(noisy.fields)) {
      expect(reading.source).toBe('ocr');
      expect(reading.confidence).toBeGreaterThanOrEqual(0);
      expect(reading.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("reads a driver's licence: number, the birth date of its masked resident number, aptitude test period end, issue date", () => {
    expect(readDocument(ocrLines(DRIVER_LICENCE), now).type).toBe('kr-driver-licence');
    expect(values(DRIVER_LICENCE)).toEqual({
      name: '홍길동',
      licenceNumber: '11-19-123456-78',
      dateOfBirth: '1980-01-01',
      expiryDate: '2034-12-31',
      issueDate: '2024-12-15',
      issuer: '서울특별시경찰청장',
    });
  });

  it("reads an older licence's regional number and renewal period through OCR lookalikes", () => {
    expect(values(DRIVER_LICENCE_OLD)).toEqual({
      name: '김영희',
      licenceNumber: '서울 09-123456-78',
      expiryDate: '2025-05-31',
      issueDate: '2015-06-01',
      issuer: '서울지방경찰청장',
    });
  });

  it('reads an alien registration card with a Latin name', () => {
    expect(readDocument(ocrLines(ALIEN_CARD), now).type).toBe('kr-alien-card');
    expect(values(ALIEN_CARD)).toEqual({
      name: 'WANG XIAOMING',
      registrationNumber: '900215-5123454',
      issueDate: '2021-06-10',
      issuer: '서울출입국·외국인청장',
    });
  });

  it('reads a passport from its MRZ', () => {
    const reading = readDocument(ocrLines(PASSPORT), now);
    expect(reading.type).toBe('passport');
    expect(values(PASSPORT)).toEqual({
      mrz: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
      name: 'ERIKSSON ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: 'UTO',
      dateOfBirth: '1974-08-12',
      expiryDate: '2012-04-15',
    });
    expect(reading.mrzCheckDigits.every((digit) => digit.valid)).toBe(true);
  });

  it('reads a Korean passport from its MRZ, the Latin name as printed', () => {
    const reading = readDocument(ocrLines(KOREAN_PASSPORT), now);
    expect(reading.type).toBe('passport');
    expect(values(KOREAN_PASSPORT)).toMatchObject({
      name: 'HONG GILDONG',
      documentNumber: 'M12345678',
      nationality: 'KOR',
      dateOfBirth: '1980-01-01',
      expiryDate: '2030-03-15',
    });
    expect(reading.mrzCheckDigits).toHaveLength(5);
    expect(reading.mrzCheckDigits.every((digit) => digit.valid)).toBe(true);
    expect(reading.fields.name?.confidence).toBe(0.85);
  });

  it('reassembles an MRZ that OCR broke, and trusts the repaired birth date less', () => {
    const clean = readDocument(ocrLines(PASSPORT), now);
    const noisy = readDocument(ocrLines(PASSPORT_NOISY), now);
    expect(noisy.type).toBe('passport');
    expect(values(PASSPORT_NOISY)).toEqual(values(PASSPORT));
    expect(noisy.mrzCheckDigits.every((digit) => digit.valid)).toBe(true);
    expect(noisy.fields.dateOfBirth?.confidence).toBeLessThan(clean.fields.dateOfBirth?.confidence ?? 0);
  });

  it("answers fields protocol's DocumentFields accepts, for every fixture with a name", () => {
    for (const text of [RESIDENT_CARD, RESIDENT_CARD_NOISY, DRIVER_LICENCE, DRIVER_LICENCE_OLD, ALIEN_CARD, PASSPORT, PASSPORT_NOISY, KOREAN_PASSPORT]) {
      const parsed = DocumentFields.safeParse(values(text));
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
  });

  it('says unknown for other cards and reads nothing from them', () => {
    const reading = readDocument(ocrLines(UNKNOWN), now);
    expect(reading.type).toBe('unknown');
    expect(reading.fields).toEqual({});
    expect(readDocument([], now)).toMatchObject({ type: 'unknown', fields: {} });
  });
});
