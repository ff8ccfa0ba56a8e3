import { describe, expect, it } from 'vitest';
import { maskResidentNumber, parseResidentNumber, residentCheckDigit, residentDigits } from './resident-number.ts';

describe('resident numbers', () => {
  it('reads 13 digits with or without the hyphen, nothing else', () => {
    expect(residentDigits('800101-1234560')).toBe('8001011234560');
    expect(residentDigits(' 8001011234560 ')).toBe('8001011234560');
    for (const bad of ['800101-123456', '800101--1234560', '80010a-1234560', '800101 1234560', '']) expect(residentDigits(bad), bad).toBeNull();
  });

  it('dates the birth by the century digit (known answers)', () => {
    expect(parseResidentNumber('800101-1234560')).toEqual({ digits: '8001011234560', dateOfBirth: '1980-01-01', foreigner: false, sex: 'male' });
    expect(parseResidentNumber('850315-2000000')?.dateOfBirth).toBe('1985-03-15');
    expect(parseResidentNumber('050720-3000000')).toMatchObject({ dateOfBirth: '2005-07-20', sex: 'male', foreigner: false });
    expect(parseResidentNumber('100229-4000000')).toMatchObject({ dateOfBirth: null, sex: 'female' });
    expect(parseResidentNumber('120229-4000000')?.dateOfBirth).toBe('2012-02-29');
    expect(parseResidentNumber('900505-5000000')).toMatchObject({ dateOfBirth: '1990-05-05', foreigner: true, sex: 'male' });
    expect(parseResidentNumber('900505-6000000')).toMatchObject({ dateOfBirth: '1990-05-05', foreigner: true, sex: 'female' });
    expect(parseResidentNumber('030303-7000000')).toMatchObject({ dateOfBirth: '2003-03-03', foreigner: true });
    expect(parseResidentNumber('030303-8000000')).toMatchObject({ dateOfBirth: '2003-03-03', foreigner: true, sex: 'female' });
    expect(parseResidentNumber('991231-9000000')).toMatchObject({ dateOfBirth: '1899-12-31', foreigner: false, sex: 'male' });
    expect(parseResidentNumber('991231-0000000')).toMatchObject({ dateOfBirth: '1899-12-31', sex: 'female' });
    for (const impossible of ['801301-1000000', '800001-1000000', '800132-1000000', '010229-3000000']) {
      expect(parseResidentNumber(impossible)?.dateOfBirth, impossible).toBeNull();
    }
    expect(parseResidentNumber('not a number')).toBeNull();
  });

  it('checks the old check digit, reporting a mismatch only as a hint', () => {
    // 8*2+0*3+0*4+1*5+0*6+1*7+1*8+2*9+3*2+4*3+5*4+6*5 = 122; 122 % 11 = 1; (11 - 1) % 10 = 0.
    expect(residentCheckDigit('800101-1234560')).toBe('pass');
    expect(residentCheckDigit('8001011234560')).toBe('pass');
    for (let d = 1; d <= 9; d++) expect(residentCheckDigit(`800101-123456${d}`)).toBe('hint');
    // 8*2+5*3+0+3*5+1*6+5*7+2*8+0+0+0+0+0 = 103; 103 % 11 = 4; (11 - 4) % 10 = 7.
    expect(residentCheckDigit('850315-2000007')).toBe('pass');
    expect(residentCheckDigit('x')).toBeNull();
  });

  it('masks to the birth part and the gender digit', () => {
    expect(maskResidentNumber('800101-1234560')).toBe('800101-1******');
    expect(maskResidentNumber('8001011234560')).toBe('800101-1******');
    expect(maskResidentNumber('garbage 1234567')).toBe('******-*******');
  });
});
