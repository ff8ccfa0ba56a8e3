import { describe, expect, it } from 'vitest';
import { readIssueDate, readIssuer, readName, readRegistrationNumber } from './card-fields.ts';
import { findRegistrationNumber, birthDateOf } from './resident-number.ts';
import { printedDates } from './ocr-text.ts';
import { readLicenceNumber } from './licence-number.ts';
import { ocrLines } from './fixtures/ocr-texts.ts';

describe('findRegistrationNumber', () => {
  it.each([
    ['800101-1234567', '800101-1234567', 0],
    ['8 0 0 1 0 1 - 1 2 3 4 5 6 7', '800101-1234567', 0],
    ['800101 1234567', '800101-1234567', 1],
    ['8001011234567', '800101-1234567', 1],
    ['8OO1O1-l234567', '800101-1234567', 4],
    ['주민번호: 800101 – 1******', '800101-1******', 0],
    ['020304-4123456', '020304-4123456', 0],
  ])('%s reads as %s', (line, value, corrected) => expect(findRegistrationNumber(line)).toEqual({ value, corrected }));

  it.each(['801301-1234567', '800230-1234567', 'abcdef-1234567', 'OOOOOO-OOOOOOO', '800101-123456', '11-19-123456-78'])(
    'finds nothing in %s',
    (line) => expect(findRegistrationNumber(line)).toBeUndefined(),
  );

  it('gives the birth date with the century of the gender digit', () => {
    expect(birthDateOf('800101-1234567')).toBe('1980-01-01');
    expect(birthDateOf('020304-4123456')).toBe('2002-03-04');
    expect(birthDateOf('900215-5123456')).toBe('1990-02-15');
    expect(birthDateOf('000229-3123456')).toBe('2000-02-29');
    expect(birthDateOf('010229-3123456')).toBeUndefined();
  });
});

describe('printedDates', () => {
  it.each([
    ['2019. 3. 15.', '2019-03-15'],
    ['2019.03.15', '2019-03-15'],
    ['2019-03-15', '2019-03-15'],
    ['2019/3/5', '2019-03-05'],
    ['2019년 3월 15일', '2019-03-15'],
    ['2O19. 3. l5.', '2019-03-15'],
    ['발급일자 Issue Date 2021.06.10', '2021-06-10'],
  ])('%s is %s', (line, iso) => expect(printedDates(line)[0]?.iso).toBe(iso));

  it('leaves out impossible dates', () => {
    expect(printedDates('2019. 2. 30.')).toEqual([]);
    expect(printedDates('800101-1234567')).toEqual([]);
  });
});

describe('card fields', () => {
  it('reads a labelled name, inline or on the next line, Korean or Latin', () => {
    expect(readName(ocrLines('성명 김영희'))?.value).toBe('김영희');
    expect(readName(ocrLines('성명 Name\nWANG XIAOMING'))?.value).toBe('WANG XIAOMING');
    expect(readName(ocrLines('이름: 이 서 연 (李瑞妍)'))?.value).toBe('이서연');
  });

  it('does not take titles or Latin words for names unless asked', () => {
    expect(readName(ocrLines('주민등록증\n대한민국'))).toBeUndefined();
    expect(readName(ocrLines('HONG GILDONG'))).toBeUndefined();
    expect(readName(ocrLines('HONG GILDONG'), { latin: true })?.value).toBe('HONG GILDONG');
  });

  it('reads issuers of each kind of card', () => {
    expect(readIssuer(ocrLines('경기도 수원시장'))?.value).toBe('경기도 수원시장');
    expect(readIssuer(ocrLines('부산광역시 해운대구청장 직인'))?.value).toBe('부산광역시 해운대구청장');
    expect(readIssuer(ocrLines('서울특별시 강남구 테헤란로 123'))).toBeUndefined();
  });

  it('takes a labelled issue date over a period', () => {
    expect(readIssueDate(ocrLines('2020.01.01 ~ 2029.12.31\n발급일 2019.12.20'))?.value).toBe('2019-12-20');
    expect(readIssueDate(ocrLines('2020.01.01 ~ 2029.12.31'))).toBeUndefined();
  });

  it('reads the first registration number with its confidence lowered per repair', () => {
    const reading = readRegistrationNumber(ocrLines('@80 8OO101-1234567'));
    expect(reading).toEqual({ value: '800101-1234567', confidence: 0.65, source: 'ocr' });
  });

  it("reads licence numbers and refuses ones with an impossible region", () => {
    expect(readLicenceNumber(ocrLines('11 - 19 - 123456 - 78'))?.value).toBe('11-19-123456-78');
    expect(readLicenceNumber(ocrLines('l2-2O-654321-09'))?.value).toBe('12-20-654321-09');
    expect(readLicenceNumber(ocrLines('99-19-123456-78'))).toBeUndefined();
  });
});
