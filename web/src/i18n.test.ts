import { describe, expect, it } from 'vitest';
import { dictionaryKeys, endReasonKey, initialLocale, pickLocale, reasonCodeKey, translate, waitingKey } from './i18n.ts';
import { EndReason, ReasonCode } from '@vident/protocol';

describe('dictionary', () => {
  it('has the same keys in Korean and English, none empty', () => {
    expect(dictionaryKeys('en').sort()).toEqual(dictionaryKeys('ko').sort());
    for (const locale of ['ko', 'en'] as const) {
      for (const key of dictionaryKeys(locale)) expect(translate(locale, key as never).trim()).not.toBe('');
    }
  });
  it('has a text for every end reason', () => {
    for (const reason of EndReason.options) {
      expect(translate('ko', endReasonKey(reason))).not.toContain('end.reason');
      expect(translate('en', endReasonKey(reason))).not.toContain('end.reason');
    }
  });
  it('has a label for every decision reason code', () => {
    for (const code of ReasonCode.options) {
      expect(translate('ko', reasonCodeKey(code))).not.toContain('decision.reason');
      expect(translate('en', reasonCodeKey(code))).not.toContain('decision.reason');
    }
  });
  it('uses the customer wording the bank expects', () => {
    expect(translate('ko', 'join.customer.heading')).toBe('본인 확인을 시작합니다');
  });
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'error.server', { message: 'boom' })).toBe('Server error: boom');
    expect(translate('en', 'error.server')).toBe('Server error: {message}');
  });
});

describe('pickLocale', () => {
  it('defaults to Korean', () => {
    expect(pickLocale([])).toBe('ko');
    expect(pickLocale(['fr-FR', 'de'])).toBe('ko');
  });
  it('takes the first supported language', () => {
    expect(pickLocale(['en-US', 'ko-KR'])).toBe('en');
    expect(pickLocale(['ja', 'KO'])).toBe('ko');
  });
});

describe('waitingKey', () => {
  it('names the party being waited for', () => {
    expect(translate('ko', waitingKey('customer'))).toContain('상담원');
    expect(translate('en', waitingKey('agent'))).toContain('customer');
  });
});

describe('initialLocale', () => {
  it("prefers the session's locale from the link over the browser's", () => {
    expect(initialLocale('?lang=ko', ['en-US'])).toBe('ko');
    expect(initialLocale('?lang=en', ['ko-KR'])).toBe('en');
  });
  it("falls back to the browser's languages, then Korean", () => {
    expect(initialLocale('', ['en-GB'])).toBe('en');
    expect(initialLocale('?lang=fr', ['en-GB'])).toBe('en');
    expect(initialLocale('', [])).toBe('ko');
  });
});
