import { describe, expect, it } from 'vitest';
import { dictionaryKeys, endReasonKey, initialLocale, pickLocale, reasonCodeKey, translate, waitingKey } from './i18n.ts';
import { CaptureKind, EndReason, ErrorCode, ReasonCode } from '@vident/protocol';
import { captureBlockerKey, captureFailureKey, captureKindKey } from './capture-messages.ts';
import type { CaptureBlocker } from './capture-flow.ts';
import type { CaptureFailureCode } from './capture-upload.ts';

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

describe('consent and capture texts', () => {
  it('says what is recorded, why, how long and who can open it, in both locales', () => {
    for (const locale of ['ko', 'en'] as const) {
      for (const key of ['consent.heading', 'consent.intro', 'consent.what', 'consent.why', 'consent.retention', 'consent.access', 'consent.accept', 'consent.decline'] as const) {
        expect(translate(locale, key)).not.toBe(translate(locale === 'ko' ? 'en' : 'ko', key));
      }
    }
    expect(translate('en', 'consent.retention')).toMatch(/5 years/);
    expect(translate('ko', 'consent.retention')).toMatch(/5년/);
  });
  it('has a label for every capture kind, a reason for every blocker and a text for every failure code', () => {
    const blockers: CaptureBlocker[] = ['no_key', 'bad_key', 'key_loading', 'no_video', 'camera_off'];
    const failures: CaptureFailureCode[] = [...ErrorCode.options, 'network', 'no_frame', 'encode_failed', 'unexpected_response'];
    const keys = [...CaptureKind.options.map(captureKindKey), ...blockers.map(captureBlockerKey), ...failures.map(captureFailureKey)];
    for (const locale of ['ko', 'en'] as const) {
      for (const key of keys) expect(dictionaryKeys(locale)).toContain(key);
    }
  });
  it('groups failures by what the agent can do about them', () => {
    expect(captureFailureKey('token_expired')).toBe(captureFailureKey('forbidden'));
    expect(captureFailureKey('checksum_mismatch')).toBe('capture.error.rejected');
    expect(captureFailureKey('not_configured')).toBe('capture.error.key');
    expect(captureFailureKey('internal')).toBe('capture.error.server');
  });
  it('keeps the visible label inside the accessible name of a capture button', () => {
    for (const locale of ['ko', 'en'] as const) {
      for (const kind of CaptureKind.options) {
        const label = translate(locale, captureKindKey(kind));
        expect(translate(locale, 'capture.take', { kind: label })).toContain(label);
      }
    }
  });
});
