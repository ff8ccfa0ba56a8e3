import { describe, expect, it } from 'vitest';
import { translate } from '../i18n.ts';
import { documentTypeKey, mrzFieldKey, plausibilityReasonKey } from './document-messages.ts';
import { PLAUSIBILITY_REASONS } from './plausibility.ts';
import { findMrz, mrzCheckDigits } from './mrz-reading.ts';
import { ID_CARD_MRZ, PASSPORT_MRZ } from './fixtures/ocr-texts.ts';

describe('document messages', () => {
  it('has a text in both locales for every type, verdict and check digit', () => {
    const digits = [PASSPORT_MRZ, ID_CARD_MRZ].flatMap((mrz) =>
      mrzCheckDigits(findMrz(mrz.map((text) => ({ text, confidence: 90 })))!.result).map((digit) => digit.field),
    );
    for (const locale of ['ko', 'en'] as const) {
      for (const type of ['kr-resident-card', 'kr-driver-licence', 'passport', 'kr-alien-card', 'unknown'] as const) {
        expect(translate(locale, documentTypeKey(type))).not.toMatch(/^document\./);
      }
      for (const reason of PLAUSIBILITY_REASONS) expect(translate(locale, plausibilityReasonKey(reason))).not.toMatch(/^document\./);
      for (const field of digits) expect(translate(locale, mrzFieldKey(field)!)).not.toMatch(/^document\./);
    }
    expect(mrzFieldKey('constructor')).toBeUndefined();
  });

  it('fills the verdict placeholders', () => {
    expect(translate('en', 'document.check.expiry.expired', { date: '2012-04-15' })).toBe('Expired (2012-04-15).');
  });
});
