import { describe, expect, it } from 'vitest';
import { checkBirthDate, checkExpiry, checkName, checkPlausibility, koreanToday } from './plausibility.ts';
import { namesMatch } from './name-match.ts';
import { readDocument } from './read-document.ts';
import { readingValues } from './document-fields.ts';
import { KOREAN_PASSPORT, PASSPORT, PASSPORT_MRZ, RESIDENT_CARD, ocrLines } from './fixtures/ocr-texts.ts';

const now = new Date('2026-12-03T00:00:00Z');

describe('checkExpiry', () => {
  it('passes a document valid today or later and fails one expired, by the date in Korea', () => {
    expect(checkExpiry('2034-12-31', now)?.result).toBe('pass');
    expect(checkExpiry('2026-12-03', now)?.result).toBe('pass');
    expect(checkExpiry('2026-12-02', now)).toMatchObject({ result: 'fail', reason: 'document.check.expiry.expired', params: { date: '2026-12-02' } });
    // 16:00 UTC on the 2nd is already the 3rd in Seoul.
    expect(koreanToday(new Date('2026-12-02T16:00:00Z'))).toBe('2026-12-03');
    expect(checkExpiry(undefined, now)).toBeUndefined();
  });
});

describe('namesMatch', () => {
  it.each([
    ['홍길동(洪吉童)', '홍길동'],
    ['홍길동', '홍 길동'],
    ['HONG<<GILDONG', 'Hong Gildong'],
    ['HONG<<GILDONG', 'Gildong Hong'],
    ['HONG<<GIL<DONG', 'Hong Gildong'],
    ['ERIKSSON ANNA MARIA', 'Anna Maria Eriksson'],
    ['WANG XIAOMING', 'wang  xiaoming'],
  ])('%s is %s', (printed, customer) => expect(namesMatch(printed, customer)).toBe(true));

  it.each([
    ['홍길동', '홍길순'],
    ['HONG<<GILDONG', 'Hong Gilsoon'],
    ['', '홍길동'],
  ])('%s is not %s', (printed, customer) => expect(namesMatch(printed, customer)).toBe(false));
});

describe('checkName', () => {
  it('passes, fails, hints when nothing was read, and says nothing without a customer name', () => {
    expect(checkName('홍길동', '홍길동')?.result).toBe('pass');
    expect(checkName('홍길동', '김영희')).toMatchObject({ result: 'fail', reason: 'document.check.name.mismatch' });
    expect(checkName(undefined, '홍길동')).toMatchObject({ result: 'hint', reason: 'document.check.name.unread' });
    expect(checkName('홍길동', undefined)).toBeUndefined();
    expect(checkName('HONG<<GILDONG', '홍길동')).toMatchObject({ result: 'hint', reason: 'document.check.name.otherScript' });
    expect(checkName('홍길동', 'Hong Gildong')?.result).toBe('hint');
  });
});

describe('checkBirthDate', () => {
  it("compares the number's birth date with a printed one", () => {
    expect(checkBirthDate('kr-driver-licence', { residentNumber: '800101-1******', dateOfBirth: '1980-01-01' })).toEqual([
      { rule: 'birth', result: 'pass', field: 'dateOfBirth', reason: 'document.check.birth.consistent' },
    ]);
    const results = checkBirthDate('kr-resident-card', { residentNumber: '000101-3234567', dateOfBirth: '1900-01-01' });
    expect(results.find((result) => result.rule === 'birth')).toMatchObject({
      result: 'fail',
      params: { number: '2000-01-01', printed: '1900-01-01' },
    });
  });

  it('fails a number that is no birth date or whose gender digit does not fit the card', () => {
    expect(checkBirthDate('kr-resident-card', { residentNumber: '801301-1234567' })[0]?.reason).toBe('document.check.number.invalidDate');
    expect(checkBirthDate('kr-resident-card', { residentNumber: '900215-5123456' })[0]?.reason).toBe('document.check.number.wrongHolder');
    expect(checkBirthDate('kr-alien-card', { registrationNumber: '900215-1123456' })[0]?.reason).toBe('document.check.number.wrongHolder');
    expect(checkBirthDate('kr-alien-card', { registrationNumber: '900215-5123454' }).map((r) => r.result)).toEqual(['pass']);
    expect(checkBirthDate('kr-resident-card', {})).toEqual([]);
  });

  it("gives the old check digit's verdict as a pass or, since numbers from October 2020 have none, a hint", () => {
    expect(checkBirthDate('kr-resident-card', { residentNumber: '800101-1234560' })).toEqual([
      { rule: 'number.check', result: 'pass', field: 'residentNumber', reason: 'document.check.number.checkDigit' },
    ]);
    expect(checkBirthDate('kr-resident-card', { residentNumber: '800101-1234567' })).toEqual([
      { rule: 'number.check', result: 'hint', field: 'residentNumber', reason: 'document.check.number.noCheckDigit' },
    ]);
    expect(checkBirthDate('kr-driver-licence', { residentNumber: '800101-1******' })).toEqual([]);
  });
});

describe('checkPlausibility', () => {
  it('passes a resident card read for its own holder', () => {
    const reading = readDocument(ocrLines(RESIDENT_CARD), now);
    const fields = readingValues(reading.fields);
    expect(checkPlausibility({ type: reading.type, fields, mrzCheckDigits: reading.mrzCheckDigits, customerName: '홍길동', now })).toEqual([
      { rule: 'name', result: 'pass', field: 'name', reason: 'document.check.name.match' },
      { rule: 'number.check', result: 'pass', field: 'residentNumber', reason: 'document.check.number.checkDigit' },
    ]);
  });

  it("gives the specimen passport's verdicts: name, expired, five check digits", () => {
    const reading = readDocument(ocrLines(PASSPORT), now);
    const fields = readingValues(reading.fields);
    const results = checkPlausibility({ type: reading.type, fields, mrzCheckDigits: reading.mrzCheckDigits, customerName: 'Anna Maria Eriksson', now });
    expect(results.map((result) => [result.rule, result.result])).toEqual([
      ['name', 'pass'],
      ['expiry', 'fail'],
      ['mrz.document_number', 'pass'],
      ['mrz.birth_date', 'pass'],
      ['mrz.expiration_date', 'pass'],
      ['mrz.personal_number', 'pass'],
      ['mrz.composite', 'pass'],
    ]);
  });

  it('names every rule with a lowercase slug holding no number, as the confirm frame wants', () => {
    const reading = readDocument(ocrLines(PASSPORT), now);
    const results = checkPlausibility({
      type: 'kr-alien-card',
      fields: { name: 'X', registrationNumber: '900215-1123456', dateOfBirth: '1990-02-16', expiryDate: '2020-01-01' },
      mrzCheckDigits: reading.mrzCheckDigits,
      customerName: 'Y',
      now,
    });
    expect(results).toHaveLength(10);
    for (const result of results) expect(result.rule).toMatch(/^[a-z][a-z0-9_.-]{0,47}$/);
  });

  it("passes a Korean passport for its holder's Latin name and leaves a Hangul one to the agent's eye", () => {
    const reading = readDocument(ocrLines(KOREAN_PASSPORT), now);
    const input = { type: reading.type, fields: readingValues(reading.fields), mrzCheckDigits: reading.mrzCheckDigits, now };
    const outcome = (customerName: string) =>
      checkPlausibility({ ...input, customerName }).map((result) => `${result.rule}:${result.result}`);
    expect(outcome('Hong Gildong')).toEqual([
      'name:pass',
      'expiry:pass',
      'mrz.document_number:pass',
      'mrz.birth_date:pass',
      'mrz.expiration_date:pass',
      'mrz.personal_number:pass',
      'mrz.composite:pass',
    ]);
    expect(outcome('홍길동')[0]).toBe('name:hint');
  });

  it('fails the check digits of a tampered MRZ', () => {
    const tampered = PASSPORT.replace(PASSPORT_MRZ[1], PASSPORT_MRZ[1].replace('1204159', '3204159'));
    const reading = readDocument(ocrLines(tampered), now);
    const results = checkPlausibility({ type: reading.type, fields: {}, mrzCheckDigits: reading.mrzCheckDigits, now });
    expect(results.filter((result) => result.result === 'fail').map((result) => result.rule)).toEqual([
      'mrz.expiration_date',
      'mrz.composite',
    ]);
  });
});
